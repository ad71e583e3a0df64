/**
 * Small response formatting helpers used by commands: strings as quoted or literal (RFC 3501
 * §4.3), flag lists, and the IMAP date-time format. Output is a list of parts (string or
 * Buffer) that the connection writes in order.
 */
export type Part = string | Buffer;

const QUOTED_SAFE = /^[\x20-\x7e]*$/;

/** A string value: quoted when safe, otherwise a literal (CR, LF, 8-bit, long). */
export function imapString(value: string | Buffer): Part[] {
  const text = typeof value === 'string' ? value : null;
  if (text !== null && text.length < 1024 && QUOTED_SAFE.test(text)) return [`"${text.replace(/[\\"]/g, (c) => '\\' + c)}"`];
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return [`{${bytes.length}}\r\n`, bytes];
}

export function nstring(value: string | Buffer | null | undefined): Part[] {
  return value === null || value === undefined ? ['NIL'] : imapString(value);
}

export function flagList(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3501 date-time `"28-Nov-2026 09:30:00 +0800"` in Asia/Shanghai (no DST: fixed offset). */
export function imapDateTime(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `"${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0800"`;
}

/** Concatenates parts into one Buffer (for small responses). */
export function joinParts(parts: readonly Part[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/**
 * Serialises an ENVELOPE/BODYSTRUCTURE value (server/mail/mime's ImapNode: null, number,
 * 7-bit string, raw octets, list) into response parts. Raw octets that are not quotable go as
 * literals, so 8-bit header bytes reach the client unchanged.
 */
export type StructureNode = null | string | Buffer | number | StructureNode[] | { concat: StructureNode[] };

export function structureParts(node: StructureNode | undefined, out: Part[] = []): Part[] {
  if (node === null || node === undefined) out.push('NIL');
  else if (typeof node === 'number') out.push(String(node));
  else if (typeof node === 'string') out.push(...imapString(node));
  else if (Buffer.isBuffer(node)) {
    const quotable = node.every((b) => b >= 0x20 && b < 0x7f);
    out.push(...(quotable ? imapString(node.toString('latin1')) : imapString(node)));
  } else if (Array.isArray(node)) {
    out.push('(');
    node.forEach((child, i) => {
      // RFC 3501 §9: items of a list are separated by SP, except inside a `concat` run.
      if (i > 0) out.push(' ');
      structureParts(child, out);
    });
    out.push(')');
  } else {
    // `1*address` and `1*body` are written with nothing between the items (RFC 3501 §9).
    for (const child of node.concat) structureParts(child, out);
  }
  return out;
}
