/**
 * Reads the values of a server response (RFC 3501 §4, §9) into a tree, independently of the
 * server's own codec, so tests can compare what went over the wire with what they expect
 * without caring whether a string was sent quoted or as a literal: a quoted string and a literal
 * both become their octets, NIL becomes null, atoms and numbers stay text.
 */
export type WireValue = null | string | Buffer | WireValue[];

export class WireSyntaxError extends Error {}

export function parseWireValues(bytes: Buffer): WireValue[] {
  let pos = 0;
  const fail = (why: string): never => {
    throw new WireSyntaxError(`${why} at octet ${pos}: ${JSON.stringify(bytes.subarray(Math.max(0, pos - 20), pos + 20).toString('latin1'))}`);
  };
  const skipSpaces = () => {
    while (pos < bytes.length && bytes[pos] === 0x20) pos++;
  };
  const value = (): WireValue => {
    const c = bytes[pos];
    if (c === undefined) return fail('unexpected end');
    if (c === 0x28 /* ( */) {
      pos++;
      const items: WireValue[] = [];
      for (;;) {
        skipSpaces();
        if (bytes[pos] === 0x29) {
          pos++;
          return items;
        }
        if (pos >= bytes.length) fail('unterminated list');
        items.push(value());
      }
    }
    if (c === 0x22 /* " */) {
      pos++;
      const out: number[] = [];
      for (;;) {
        const b = bytes[pos++];
        if (b === undefined) fail('unterminated quoted string');
        if (b === 0x22) return Buffer.from(out);
        if (b === 0x5c) {
          const escaped = bytes[pos++];
          if (escaped !== 0x22 && escaped !== 0x5c) fail('bad escape in quoted string');
          out.push(escaped!);
        } else if (b === 0x0d || b === 0x0a) fail('CR or LF in quoted string');
        else out.push(b!);
      }
    }
    if (c === 0x7b /* { */ || (c === 0x7e /* ~ */ && bytes[pos + 1] === 0x7b)) {
      const m = /^~?\{(\d+)\}\r\n/.exec(bytes.subarray(pos, pos + 24).toString('latin1'));
      if (!m) return fail('bad literal announcement');
      pos += m[0].length;
      const n = Number(m[1]);
      if (pos + n > bytes.length) fail('literal runs past the end');
      const data = Buffer.from(bytes.subarray(pos, pos + n));
      pos += n;
      return data;
    }
    // An atom, a number or NIL; `BODY[1.MIME]<0>` style names keep their brackets.
    const start = pos;
    let depth = 0;
    while (pos < bytes.length) {
      const b = bytes[pos]!;
      if (b === 0x5b) depth++;
      else if (b === 0x5d) depth--;
      else if (depth === 0 && (b === 0x20 || b === 0x28 || b === 0x29)) break;
      else if (b === 0x0d || b === 0x0a) break;
      pos++;
    }
    if (pos === start) fail('unexpected character');
    const atom = bytes.subarray(start, pos).toString('latin1');
    return atom.toUpperCase() === 'NIL' ? null : atom;
  };
  const out: WireValue[] = [];
  for (;;) {
    skipSpaces();
    if (pos >= bytes.length) return out;
    out.push(value());
  }
}

/** `* 3 FETCH (UID 7 ENVELOPE (…) …)` → { seq: 3, items: { UID: '7', ENVELOPE: [...] } }. */
export function parseFetchResponse(bytes: Buffer): { seq: number; items: Map<string, WireValue> } {
  const values = parseWireValues(bytes);
  if (values[0] !== '*' || typeof values[1] !== 'string' || values[2] !== 'FETCH' || !Array.isArray(values[3])) {
    throw new WireSyntaxError(`not a FETCH response: ${bytes.subarray(0, 60).toString('latin1')}`);
  }
  const list = values[3];
  const items = new Map<string, WireValue>();
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (typeof name !== 'string') throw new WireSyntaxError('FETCH item name is not an atom');
    items.set(name.toUpperCase(), list[i + 1]!);
  }
  return { seq: Number(values[1]), items };
}

/** A readable, comparable form: octets as UTF-8 when valid, else latin1 with a marker. */
export function wireToJson(value: WireValue): unknown {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) {
    const utf8 = value.toString('utf8');
    return Buffer.from(utf8, 'utf8').equals(value) ? utf8 : { latin1: value.toString('latin1') };
  }
  return value.map(wireToJson);
}
