/**
 * FETCH body sections (RFC 3501 §6.4.5): `BODY[<section>]<<partial>>`, and the decoded content
 * of a part for BINARY[…] (RFC 3516 §4.2) and the webmail's attachment download.
 *
 * Section grammar (RFC 3501 §9): section-spec = section-msgtext / (section-part ["." section-text]);
 * section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"; section-text =
 * section-msgtext / "MIME". Part numbers: the parts of a multipart are 1, 2 …; the body of a
 * non-multipart message is part 1; a message/rfc822 part's encapsulated message has its parts
 * numbered inside it, and HEADER/TEXT after a part number are only valid for such a part.
 *
 * A section that names no existing part is empty, as Dovecot answers it (not an error). A section
 * is returned as segments (ranges of the raw message, or small synthesised buffers) so the
 * server can stream a 50 MB attachment without copying it.
 */
import { asciiLower, scanHeaderFields } from './header-fields.js';
import { MAX_MIME_DEPTH } from './limits.js';
import type { MimePart } from './mime-tree.js';
import { decodeTransferEncoding } from './transfer-decoding.js';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface SectionSpec {
  /** Part numbers, e.g. [1, 2] for `1.2`; empty for the message itself. */
  part: number[];
  text: SectionText | null;
  /** Field names for HEADER.FIELDS[.NOT], lower case; empty otherwise. */
  fields: string[];
}

/** A range `[start, end)` of the raw message, or octets made up for the answer. */
export type Segment = { start: number; end: number } | Buffer;

export interface SectionContent {
  segments: Segment[];
  /** Total octets. */
  size: number;
}

const EMPTY: SectionContent = { segments: [], size: 0 };
const LF = 0x0a;
const CR = 0x0d;

/**
 * A section from its parts as the IMAP parser hands them over: `partAndText` is the atom before
 * the header list (`1.2.HEADER.FIELDS`, `TEXT`, `3`, `` for BODY[]), `fields` the header list.
 * Null when the grammar is broken (the caller answers BAD).
 */
export function sectionSpec(partAndText: string, fields: readonly string[] = []): SectionSpec | null {
  const words = partAndText === '' ? [] : partAndText.split('.');
  const part: number[] = [];
  while (words.length > 0 && /^[0-9]+$/.test(words[0]!)) {
    const n = Number(words.shift());
    if (n < 1 || !Number.isSafeInteger(n) || part.length >= MAX_MIME_DEPTH * 2) return null;
    part.push(n);
  }
  const text = words.join('.').toUpperCase();
  const wantsFields = text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT';
  if (wantsFields !== fields.length > 0) return null;
  switch (text) {
    case '':
      return { part, text: null, fields: [] };
    case 'MIME':
      return part.length === 0 ? null : { part, text, fields: [] };
    case 'HEADER':
    case 'TEXT':
      return { part, text, fields: [] };
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return { part, text, fields: fields.map((f) => asciiLower(f)) };
    default:
      return null;
  }
}

/** Parse section text as written inside `BODY[…]`: `1.2.HEADER.FIELDS (From "To")`. */
export function parseSection(section: string): SectionSpec | null {
  const m = /^([^\s(]*)(?:\s*\(([^)]*)\))?\s*$/.exec(section.trim());
  if (!m) return null;
  const fields = m[2] === undefined ? [] : m[2].split(/\s+/).filter((f) => f !== '').map((f) => f.replace(/^"(.*)"$/, '$1'));
  if (m[2] !== undefined && fields.length === 0) return null;
  return sectionSpec(m[1]!, fields);
}

function isRfc822(part: MimePart): boolean {
  return part.kind === 'message' && part.children.length === 1;
}

/**
 * The part numbered `path` (RFC 3501 §6.4.5), or null. A number counts the parts of a multipart;
 * a part that is not a multipart only has a part 1, itself (so the body of a non-multipart message
 * is its part 1); a message/rfc822 part followed by more numbers stands for the message inside it.
 * Exactly Dovecot 2.3's reading, including its one quirk: a leaf part `2` of a multipart also
 * answers to `2.1` (but not `2.1.1`), which RFC 3501 leaves open.
 */
export function findPart(tree: MimePart, path: readonly number[]): MimePart | null {
  let part = tree;
  for (let i = 0; i < path.length; i++) {
    const n = path[i]!;
    const more = i < path.length - 1;
    if (part.kind === 'multipart') {
      const child = part.children[n - 1];
      if (child === undefined) return null;
      part = child;
    } else if (n !== 1 || (more && !isRfc822(part))) {
      return null;
    }
    if (more && isRfc822(part)) part = part.children[0]!;
  }
  return part;
}

function range(start: number, end: number): SectionContent {
  return end > start ? { segments: [{ start, end }], size: end - start } : EMPTY;
}

/** The blank line that ends a header block, or null when the block has none (RFC 3501 exception). */
function blankLine(raw: Buffer, message: MimePart): { start: number; end: number } | null {
  const end = message.headerEnd;
  if (end <= message.headerStart || raw[end - 1] !== LF) return null;
  let start = end - 1;
  if (start > message.headerStart && raw[start - 1] === CR) start--;
  if (start !== message.headerStart && raw[start - 1] !== LF) return null;
  return { start, end };
}

function headerFields(raw: Buffer, message: MimePart, names: readonly string[], not: boolean): SectionContent {
  const wanted = new Set(names);
  const segments: Segment[] = [];
  let size = 0;
  for (const field of scanHeaderFields(raw, message.headerStart, message.headerEnd)) {
    if (wanted.has(field.name) === not) continue;
    // merge adjacent fields into one range
    const last = segments[segments.length - 1];
    if (last !== undefined && !Buffer.isBuffer(last) && last.end === field.start) last.end = field.end;
    else segments.push({ start: field.start, end: field.end });
    size += field.end - field.start;
    if (raw[field.end - 1] !== LF) {
      // the last field of a header cut short: end its line so the blank line stays a separator
      const crlf = Buffer.from('\r\n');
      segments.push(crlf);
      size += 2;
    }
  }
  // RFC 3501 §6.4.5: the blank line is included in all header fetches, except for a message
  // that has no body and no blank line.
  const blank = blankLine(raw, message);
  if (blank !== null) {
    segments.push({ ...blank });
    size += blank.end - blank.start;
  }
  return { segments, size };
}

/** The content of `section` in the message `raw` whose tree is `tree`; empty for a missing part. */
export function resolveSection(raw: Buffer, tree: MimePart, section: SectionSpec): SectionContent {
  if (section.part.length === 0 && section.text === null) return range(0, raw.length);
  const part = section.part.length === 0 ? tree : findPart(tree, section.part);
  if (part === null) return EMPTY;
  if (section.text === null) return range(part.bodyStart, part.bodyEnd);
  if (section.text === 'MIME') return range(part.headerStart, part.headerEnd);
  // HEADER…/TEXT address a message: the top-level one, or the one inside a message/rfc822 part
  let message: MimePart;
  if (section.part.length === 0) message = tree;
  else if (isRfc822(part)) message = part.children[0]!;
  else return EMPTY;
  switch (section.text) {
    case 'HEADER':
      return range(message.headerStart, message.headerEnd);
    case 'TEXT':
      return range(message.bodyStart, message.bodyEnd);
    case 'HEADER.FIELDS':
      return headerFields(raw, message, section.fields, false);
    case 'HEADER.FIELDS.NOT':
      return headerFields(raw, message, section.fields, true);
  }
}

/** `start.length` of a partial fetch (RFC 3501 §6.4.5 `<origin.octets>`) clamped to `size`. */
export function partialRange(size: number, start: number, length?: number): { start: number; end: number } {
  const from = Math.min(Math.max(0, start), size);
  const to = length === undefined ? size : Math.min(size, from + Math.max(0, length));
  return { start: from, end: to };
}

/** The octets `start` … `start + length` of a section (RFC 3501 §6.4.5 partial). */
export function applyPartial(content: SectionContent, start: number, length?: number): SectionContent {
  const want = partialRange(content.size, start, length);
  if (want.start === 0 && want.end === content.size) return content;
  const segments: Segment[] = [];
  let offset = 0;
  for (const segment of content.segments) {
    const len = Buffer.isBuffer(segment) ? segment.length : segment.end - segment.start;
    const from = Math.max(want.start, offset);
    const to = Math.min(want.end, offset + len);
    if (from < to) {
      if (Buffer.isBuffer(segment)) segments.push(segment.subarray(from - offset, to - offset));
      else segments.push({ start: segment.start + from - offset, end: segment.start + to - offset });
    }
    offset += len;
  }
  return { segments, size: want.end - want.start };
}

/** The octets of a section's segments: a view of `raw` when it is one range, else a copy. */
export function sectionBytes(raw: Buffer, content: SectionContent): Buffer {
  const buffers = content.segments.map((s) => (Buffer.isBuffer(s) ? s : raw.subarray(s.start, s.end)));
  if (buffers.length === 1) return buffers[0]!;
  return Buffer.concat(buffers, content.size);
}

/**
 * BODY[section] octets. `section` is a spec or the text inside the brackets; text that is not a
 * valid section throws a RangeError (check it with parseSection first to answer BAD).
 */
export function extractSection(raw: Buffer, tree: MimePart, section: string | SectionSpec, partial?: { start: number; length?: number }): Buffer {
  const spec = typeof section === 'string' ? parseSection(section) : section;
  if (spec === null) throw new RangeError(`invalid section: ${String(section)}`);
  let content = resolveSection(raw, tree, spec);
  if (partial !== undefined) content = applyPartial(content, partial.start, partial.length);
  return sectionBytes(raw, content);
}

/**
 * A part's body with its Content-Transfer-Encoding removed (base64, quoted-printable; others as
 * they are, as a view of `raw`): attachment downloads and IMAP BINARY (RFC 3516).
 */
export function decodePartBody(raw: Buffer, part: MimePart): Buffer {
  return decodeTransferEncoding(raw, part.bodyStart, part.bodyEnd, part.encoding);
}
