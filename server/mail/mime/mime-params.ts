/**
 * Content-Type and Content-Disposition values: a token (`text/plain`, `attachment`) and its
 * parameters (RFC 2045 §5.1, RFC 2183 §2), with RFC 2231 extended parameters and continuations
 * and the RFC 2047 encoded words mailers put inside quoted file names (RFC 2047 §5 forbids it;
 * Outlook, Foxmail and most webmail do it).
 *
 * Parameters come out in two forms:
 * - `decodeParams`: name → text, for the webmail (file names to show and to search);
 * - `wireParams`: what BODYSTRUCTURE reports. RFC 3501 does not say; we follow Dovecot 2.3, which
 *   merges RFC 2231 continuations into one `name*` parameter (`charset'lang'%XX…`) and otherwise
 *   passes values as written (encoded words included), leaving the decoding to the client, as
 *   imapflow, Thunderbird and mutt expect. The octets stay 7-bit unless the header had 8-bit.
 */
import { decodeCharset, decodeEncodedWords, decodeUnlabelled, hexValue } from './charset.js';
import { asciiLower } from './header-fields.js';
import { MAX_MIME_PARAMS } from './limits.js';

/** One parameter as written: lower-case name (with any `*0*` suffix), value unquoted. */
export interface RawParam {
  name: string;
  value: Buffer;
}

/** A parameter as BODYSTRUCTURE reports it: continuations merged, name lower case. */
export interface WireParam {
  name: string;
  value: Buffer;
}

export interface StructuredValue {
  /** The leading token, lower case (`text/plain`, `attachment`), or '' when there is none. */
  token: string;
  params: RawParam[];
}

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const SEMI = 0x3b;
const EQUALS = 0x3d;
const LPAREN = 0x28;
const RPAREN = 0x29;

function isWsp(b: number | undefined): boolean {
  return b === SP || b === TAB || b === CR || b === LF;
}

/** Skip whitespace and RFC 822 comments (RFC 2045 §5.1 allows comments in these fields). */
function skipCfws(src: Buffer, pos: number): number {
  for (;;) {
    while (pos < src.length && isWsp(src[pos])) pos++;
    if (src[pos] !== LPAREN) return pos;
    let depth = 0;
    while (pos < src.length) {
      const b = src[pos]!;
      if (b === BACKSLASH) pos += 2;
      else {
        if (b === LPAREN) depth++;
        else if (b === RPAREN && --depth === 0) {
          pos++;
          break;
        }
        pos++;
      }
    }
  }
}

/** Parse `token *(";" name "=" value)` leniently: junk is skipped, never an error. */
export function parseStructuredValue(src: Buffer): StructuredValue {
  const readToken = (from: number) => {
    let pos = from;
    while (pos < src.length && src[pos] !== SEMI && !isWsp(src[pos]) && src[pos] !== LPAREN) pos++;
    return pos;
  };
  const start = skipCfws(src, 0);
  let end = readToken(start);
  let token = src.toString('latin1', start, end);
  const after = skipCfws(src, end);
  // `text / plain` (spaces around the slash) is seen in the wild: join it back.
  if (!token.includes('/') && src[after] === 0x2f) {
    const subStart = skipCfws(src, after + 1);
    end = readToken(subStart);
    token = `${token}/${src.toString('latin1', subStart, end)}`;
  } else if (token.endsWith('/') && token.indexOf('/') === token.length - 1) {
    const subStart = skipCfws(src, end);
    end = readToken(subStart);
    token += src.toString('latin1', subStart, end);
  }
  return { token: asciiLower(token), params: parseParams(src, end) };
}

function parseParams(src: Buffer, pos: number): RawParam[] {
  const params: RawParam[] = [];
  while (pos < src.length && params.length < MAX_MIME_PARAMS) {
    pos = skipCfws(src, pos);
    if (pos >= src.length) break;
    if (src[pos] !== SEMI) {
      // junk between parameters: skip to the next ';' outside quotes
      while (pos < src.length && src[pos] !== SEMI) {
        if (src[pos] === DQUOTE) pos = readQuoted(src, pos).end;
        else pos++;
      }
      continue;
    }
    pos = skipCfws(src, pos + 1);
    const nameStart = pos;
    while (pos < src.length && src[pos] !== EQUALS && src[pos] !== SEMI && !isWsp(src[pos])) pos++;
    const name = asciiLower(src.toString('latin1', nameStart, pos));
    pos = skipCfws(src, pos);
    if (src[pos] !== EQUALS || name === '') continue;
    pos = skipCfws(src, pos + 1);
    let value: Buffer;
    if (src[pos] === DQUOTE) {
      const q = readQuoted(src, pos);
      value = q.value;
      pos = q.end;
    } else {
      const valueStart = pos;
      // A token; leniently everything up to ';' (unquoted file names with spaces are common).
      while (pos < src.length && src[pos] !== SEMI) pos++;
      let valueEnd = pos;
      while (valueEnd > valueStart && isWsp(src[valueEnd - 1])) valueEnd--;
      value = Buffer.from(src.subarray(valueStart, valueEnd));
    }
    params.push({ name, value });
  }
  return params;
}

/** A quoted-string starting at `pos` (the DQUOTE): its content with `\` escapes removed. */
function readQuoted(src: Buffer, pos: number): { value: Buffer; end: number } {
  const out: number[] = [];
  pos++;
  while (pos < src.length) {
    const b = src[pos]!;
    if (b === DQUOTE) return { value: Buffer.from(out), end: pos + 1 };
    if (b === BACKSLASH && pos + 1 < src.length) {
      out.push(src[pos + 1]!);
      pos += 2;
      continue;
    }
    out.push(b);
    pos++;
  }
  return { value: Buffer.from(out), end: pos }; // unterminated: runs to the end of the field
}

interface Segment {
  index: number;
  extended: boolean;
  value: Buffer;
}

const CONTINUATION = /^(.+?)\*(\d{1,4})(\*?)$/;

/** Collect RFC 2231 §3 continuations `name*0*=…; name*1=…` by base name, in index order. */
function groupContinuations(params: readonly RawParam[]): Map<string, Segment[]> {
  const groups = new Map<string, Segment[]>();
  for (const p of params) {
    const m = CONTINUATION.exec(p.name);
    if (!m) continue;
    const base = m[1]!;
    const list = groups.get(base) ?? [];
    if (list.length === 0) groups.set(base, list);
    const index = Number(m[2]);
    if (!list.some((s) => s.index === index)) list.push({ index, extended: m[3] === '*', value: p.value });
  }
  for (const list of groups.values()) list.sort((a, b) => a.index - b.index);
  return groups;
}

/** `%XX` to octets (RFC 2231 §4); a bad escape stays as written. */
function percentDecode(value: Buffer): Buffer {
  if (value.indexOf(0x25) < 0) return value;
  const out = Buffer.allocUnsafe(value.length);
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === 0x25 && hexValue(value[i + 1]) >= 0 && hexValue(value[i + 2]) >= 0) {
      out[n++] = hexValue(value[i + 1]) * 16 + hexValue(value[i + 2]);
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

/** Split `charset'language'value` (RFC 2231 §4); undefined when the quotes are missing. */
function splitExtended(value: Buffer): { charset: string; rest: Buffer } | undefined {
  const q1 = value.indexOf(0x27);
  const q2 = q1 < 0 ? -1 : value.indexOf(0x27, q1 + 1);
  if (q2 < 0) return undefined;
  return { charset: value.toString('latin1', 0, q1), rest: value.subarray(q2 + 1) };
}

function textOf(bytes: Buffer, charset: string): string {
  if (charset === '') return decodeUnlabelled(bytes);
  return decodeCharset(bytes, charset) ?? decodeUnlabelled(bytes);
}

function decodeSegments(segments: readonly Segment[]): string {
  let charset = '';
  const parts: Buffer[] = [];
  segments.forEach((s, i) => {
    if (s.extended) {
      let value = s.value;
      if (i === 0) {
        const split = splitExtended(value);
        if (split) {
          charset = split.charset;
          value = split.rest;
        }
      }
      parts.push(percentDecode(value));
    } else parts.push(s.value);
  });
  // Octets first, charset after: a character split across segments is rejoined (RFC 2231 §4.1).
  return textOf(Buffer.concat(parts), charset);
}

/**
 * Parameters as text, keyed by lower-case name. For each name the RFC 2231 forms win over the
 * plain one (`filename*` over `filename`, as RFC 2231 §4 and RFC 6266 §4.3 ask of a reader that
 * understands them; a single `name*` over `name*0…`); plain values have their RFC 2047 encoded
 * words decoded. Of duplicate parameters the first wins.
 */
export function decodeParams(params: readonly RawParam[]): Record<string, string> {
  const extended = new Map<string, string>();
  const plain = new Map<string, string>();
  const order = new Set<string>();
  const note = (base: string) => order.add(base);
  const groups = groupContinuations(params);
  for (const p of params) {
    const m = CONTINUATION.exec(p.name);
    if (m) {
      note(m[1]!);
    } else if (p.name.endsWith('*') && p.name.length > 1) {
      const base = p.name.slice(0, -1);
      note(base);
      if (extended.has(base)) continue;
      const split = splitExtended(p.value);
      extended.set(base, split ? textOf(percentDecode(split.rest), split.charset) : decodeUnlabelled(percentDecode(p.value)));
    } else {
      note(p.name);
      if (!plain.has(p.name)) plain.set(p.name, decodeEncodedWords(p.value));
    }
  }
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const base of order) {
    const segments = groups.get(base);
    const value = extended.get(base) ?? (segments ? decodeSegments(segments) : undefined) ?? plain.get(base);
    if (value !== undefined) result[base] = value;
  }
  return result;
}

/** RFC 2231 `%` escapes for a plain segment merged into an extended value (as Dovecot does). */
function escapePercent(value: Buffer): Buffer {
  return value.indexOf(0x25) < 0 ? value : Buffer.from(value.toString('latin1').replace(/%/g, '%25'), 'latin1');
}

/**
 * Parameters as BODYSTRUCTURE reports them (Dovecot 2.3 behaviour): plain and `name*` parameters
 * as written, duplicates included; continuations merged into one parameter at the place of their
 * first segment, named `name*` (value `charset'lang'…`, plain segments with `%` escaped) when any
 * segment is extended, else `name` with the segments concatenated. Names compare case-insensitively
 * (Dovecot 2.3 does not merge `Name*0` with `name*1`; we do).
 */
export function wireParams(params: readonly RawParam[]): WireParam[] {
  const groups = groupContinuations(params);
  const out: WireParam[] = [];
  for (const p of params) {
    const m = CONTINUATION.exec(p.name);
    if (!m) {
      out.push({ name: p.name, value: p.value });
      continue;
    }
    const base = m[1]!;
    const segments = groups.get(base);
    if (segments === undefined) continue; // already merged at its first segment
    groups.delete(base);
    if (segments.some((s) => s.extended)) {
      const pieces = segments.map((s, i) => {
        if (s.extended) return s.value;
        return i === 0 ? Buffer.concat([Buffer.from("''"), escapePercent(s.value)]) : escapePercent(s.value);
      });
      out.push({ name: `${base}*`, value: Buffer.concat(pieces) });
    } else out.push({ name: base, value: Buffer.concat(segments.map((s) => s.value)) });
  }
  return out;
}
