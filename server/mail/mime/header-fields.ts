/**
 * Header fields of one header block as byte ranges (RFC 5322 §2.2, §3.6). Lines end in CRLF or,
 * in mail from Unix tools, a bare LF; both are accepted everywhere. Nothing is copied: a field is
 * a range of the raw message, and its value is unfolded only when someone asks for it.
 */
import { MAX_HEADER_FIELDS } from './limits.js';

export interface HeaderField {
  /** Field name, ASCII lower case; '' for a line that has no colon (kept so ranges stay whole). */
  name: string;
  /** First octet of the field's first line. */
  start: number;
  /** Octet after the line break of its last line (or the end of the block). */
  end: number;
  /** Octet after the colon. */
  valueStart: number;
  /** End of the value: before the line break of the last line. */
  valueEnd: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** ASCII-only lower case: field names are ASCII, and a locale-aware lower case has surprises. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** ASCII-only upper case, for the case-insensitive tokens BODYSTRUCTURE reports. */
export function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (s) => s.toUpperCase());
}

/** End of the line content starting at `pos` (before CRLF/LF) and the start of the next line. */
export function lineAt(raw: Buffer, pos: number, end: number): { contentEnd: number; next: number } {
  const nl = raw.indexOf(LF, pos);
  if (nl < 0 || nl >= end) return { contentEnd: end, next: end };
  return { contentEnd: nl > pos && raw[nl - 1] === CR ? nl - 1 : nl, next: nl + 1 };
}

/**
 * The fields of the header block `[start, end)`, stopping at the blank line that ends it. With
 * `wanted`, only fields whose (lower-case) name is in the set are returned: the tree parser asks
 * for the few it needs, so a hostile header of a million fields costs no memory.
 */
export function scanHeaderFields(raw: Buffer, start: number, end: number, wanted?: ReadonlySet<string>): HeaderField[] {
  const fields: HeaderField[] = [];
  let current: HeaderField | null = null;
  let seen = 0;
  let pos = start;
  while (pos < end) {
    const { contentEnd, next } = lineAt(raw, pos, end);
    if (contentEnd === pos) break; // the blank line (or a lone CR at the very end)
    const first = raw[pos];
    if ((first === SP || first === TAB) && current !== null) {
      // RFC 5322 §2.2.3: a line starting with WSP continues the field above it.
      current.end = next;
      current.valueEnd = contentEnd;
    } else if ((first === SP || first === TAB) && seen > 0) {
      // continuation of a field we chose not to keep
    } else {
      seen++;
      if (seen > MAX_HEADER_FIELDS) break;
      // search this line only: a line without a colon must not make us scan the whole message
      const found = raw.subarray(pos, contentEnd).indexOf(COLON);
      const colon = found < 0 ? -1 : pos + found;
      let name = '';
      let valueStart = contentEnd;
      if (colon >= 0) {
        let nameEnd = colon;
        // RFC 5322 §4.5.3 obs-optional: WSP may stand between the name and the colon.
        while (nameEnd > pos && (raw[nameEnd - 1] === SP || raw[nameEnd - 1] === TAB)) nameEnd--;
        name = asciiLower(raw.toString('latin1', pos, nameEnd));
        valueStart = colon + 1;
      }
      current = { name, start: pos, end: next, valueStart, valueEnd: contentEnd };
      if (wanted === undefined || wanted.has(name)) fields.push(current);
      else current = null;
    }
    pos = next;
  }
  return fields;
}

/** The first field called `name` (lower case), as RFC 5322 readers and most clients do. */
export function firstField(fields: readonly HeaderField[], name: string): HeaderField | undefined {
  return fields.find((f) => f.name === name);
}

/**
 * A field value unfolded (RFC 5322 §2.2.3: the line breaks of folding removed, the WSP after
 * them kept) with leading and trailing WSP trimmed. The octets are otherwise untouched: encoded
 * words stay encoded, raw 8-bit text stays raw.
 */
export function unfoldedValue(raw: Buffer, field: Pick<HeaderField, 'valueStart' | 'valueEnd'>): Buffer {
  let start = field.valueStart;
  let end = field.valueEnd;
  const isWsp = (b: number | undefined) => b === SP || b === TAB || b === CR || b === LF;
  while (start < end && isWsp(raw[start])) start++;
  while (end > start && isWsp(raw[end - 1])) end--;
  const slice = raw.subarray(start, end);
  if (slice.indexOf(LF) < 0) return Buffer.from(slice);
  const out = Buffer.allocUnsafe(slice.length);
  let n = 0;
  for (let i = 0; i < slice.length; i++) {
    const b = slice[i]!;
    if (b === LF) continue;
    if (b === CR && slice[i + 1] === LF) continue;
    out[n++] = b;
  }
  return out.subarray(0, n);
}
