/**
 * The MIME structure of a raw message as byte offsets into it: what IMAP FETCH (RFC 3501 §6.4.5
 * sections, §7.4.2 BODYSTRUCTURE), BINARY (RFC 3516) and the webmail's attachment download need.
 *
 * - RFC 5322 §2.1, §2.2: a header block ends at the first empty line; lines end in CRLF or a bare
 *   LF (mbox exports, Unix tools).
 * - RFC 2045 §5.2: no (or an unparseable) Content-Type means text/plain; charset=us-ascii; RFC 2046
 *   §5.1.5: inside multipart/digest it means message/rfc822.
 * - RFC 2046 §5.1.1: a multipart body is split at delimiter lines `--boundary` (closing one
 *   `--boundary--`), optionally followed by whitespace; the line break before a delimiter belongs
 *   to the delimiter; preamble and epilogue belong to no part. A delimiter is recognised for the
 *   multipart being read and for every multipart around it, so a part whose own closing delimiter
 *   is missing ends where an outer one starts, and the last part of an unclosed multipart runs to
 *   the end of the message.
 * - RFC 2046 §5.2.1 / RFC 3501 §6.4.5: a message/rfc822 part has the encapsulated message as its
 *   one child; that message's parts are numbered inside the part (2.1, 2.2 …).
 *
 * One pass over the message finds the delimiters (`Buffer.indexOf` for "\n--", so a 50 MB base64
 * attachment is skipped in native code), nothing in a body is copied, and nothing here recurses,
 * so hostile nesting cannot exhaust the stack. Malformed mail never throws: what cannot be read as
 * structure is a leaf (see `defects`).
 */
import { ENVELOPE_FIELDS, envelopeFromFields, type Envelope } from './envelope.js';
import { firstField, lineAt, scanHeaderFields, unfoldedValue, type HeaderField } from './header-fields.js';
import { toImapString, type ImapString } from './imap-node.js';
import { MAX_MIME_DEPTH, MAX_MIME_PARTS } from './limits.js';
import { decodeParams, parseStructuredValue, wireParams, type WireParam } from './mime-params.js';

export interface ContentDisposition {
  /** Disposition type, lower case: `attachment`, `inline`, … */
  type: string;
  /** Parameters decoded (RFC 2231, RFC 2047), lower-case names; `filename` is the file name. */
  params: Record<string, string>;
  /** Parameters as BODYSTRUCTURE reports them (see mime-params.ts). */
  wireParams: WireParam[];
}

export type MimePartKind =
  /** multipart/* with at least one part: `children` are its parts. */
  | 'multipart'
  /** message/rfc822: `children[0]` is the encapsulated message. */
  | 'message'
  /** Everything else: the body is content. */
  | 'leaf';

export interface MimePart {
  /**
   * Where the part sits in RFC 3501 §6.4.5 numbering: '' for the message itself, '1', '2.3' … for
   * parts. The message encapsulated in message/rfc822 part `2` has number `2` too (its header is
   * section 2.HEADER, its parts 2.1, 2.2 …). The body of a non-multipart message is its part 1;
   * `bodySection` gives the number under which to fetch a part's body.
   */
  section: string;
  /** 'message' for the top-level message and each encapsulated one; 'part' for parts of a multipart. */
  role: 'message' | 'part';
  kind: MimePartKind;
  depth: number;
  /** First octet of the header (the MIME header of a part, the header of a message). */
  headerStart: number;
  /** Octet after the header, the blank line that ends it included (RFC 3501 HEADER / MIME). */
  headerEnd: number;
  /** First octet of the body; equals headerEnd. */
  bodyStart: number;
  /** Octet after the body (before the line break that precedes the next delimiter). */
  bodyEnd: number;
  /** Media type and subtype in effect, lower case (the RFC default when the header has none). */
  type: string;
  subtype: string;
  /** Whether type/subtype/params come from a Content-Type field (false: the default applies). */
  contentTypeFromHeader: boolean;
  /** Content-Type parameters decoded (RFC 2231 charsets and continuations, RFC 2047 in quotes). */
  params: Record<string, string>;
  /** Content-Type parameters as BODYSTRUCTURE reports them. */
  wireParams: WireParam[];
  /** Content-Transfer-Encoding token, lower case, or null when absent (7bit is implied). */
  encoding: string | null;
  /** Content-ID, Content-Description, Content-Location, Content-MD5 as written (unfolded). */
  id: ImapString | null;
  description: ImapString | null;
  location: ImapString | null;
  md5: ImapString | null;
  disposition: ContentDisposition | null;
  /** Content-Language tags (RFC 3282), as written. */
  language: string[] | null;
  /** Line count of the body (LF octets, as Dovecot counts), for text/* and message/rfc822; else null. */
  lines: number | null;
  /** ENVELOPE of this header, for the top-level message and each encapsulated message. */
  envelope: Envelope | null;
  children: MimePart[];
  /** What was wrong and how it was read, e.g. `multipart-without-parts` (empty for good mail). */
  defects: string[];
}

const CONTENT_FIELDS = [
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'content-description',
  'content-language',
  'content-location',
  'content-md5',
];
const WANTED_FIELDS: ReadonlySet<string> = new Set([...CONTENT_FIELDS, ...ENVELOPE_FIELDS]);

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const NL_DASH_DASH = Buffer.from('\n--', 'latin1');

const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);
const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;

interface OpenPart {
  part: MimePart;
  /** `--boundary` octets' boundary, while the multipart's parts are being read. */
  boundary: Buffer | null;
}

interface Delimiter {
  /** Index in the open-part stack of the multipart whose delimiter this is. */
  level: number;
  lineStart: number;
  lineEnd: number;
  close: boolean;
}

export interface ParseOptions {
  /** Default MAX_MIME_DEPTH. */
  maxDepth?: number;
  /** Default MAX_MIME_PARTS. */
  maxParts?: number;
}

/**
 * The section that fetches a part's body (RFC 3501 §6.4.5): a part's own number; for a message
 * node, `1` / `2.1` when it is not multipart (its body is its part 1), else `TEXT` / `2.TEXT`.
 */
export function bodySection(part: MimePart): string {
  if (part.role === 'part') return part.section;
  if (part.kind === 'multipart') return part.section === '' ? 'TEXT' : `${part.section}.TEXT`;
  return part.section === '' ? '1' : `${part.section}.1`;
}

class TreeParser {
  private readonly open: OpenPart[] = [];
  private partCount = 0;
  private pos = 0;
  private activeBoundaries = 0;

  constructor(
    private readonly raw: Buffer,
    private readonly maxDepth: number,
    private readonly maxParts: number,
  ) {}

  run(): MimePart {
    const raw = this.raw;
    const root = this.newPart(0, 0, '', 'message', false);
    this.enter(root);
    for (;;) {
      const hit = this.nextDelimiter(this.pos);
      if (hit === null) break;
      if (!hit.close && this.partCount >= this.maxParts) {
        // No new part: the parts open now (the one being read included) run to the end.
        this.open[hit.level]!.part.defects.push('too-many-parts');
        break;
      }
      const cut = this.lineBreakBefore(hit.lineStart);
      while (this.open.length - 1 > hit.level) this.closeInnermost(cut);
      const container = this.open[hit.level]!;
      this.pos = hit.lineEnd;
      if (hit.close) {
        container.boundary = null; // what follows is epilogue
        this.activeBoundaries--;
        continue;
      }
      const parent = container.part;
      const child = this.newPart(hit.lineEnd, parent.depth + 1, parent.section === '' ? `${parent.children.length + 1}` : `${parent.section}.${parent.children.length + 1}`, 'part', parent.subtype === 'digest');
      parent.children.push(child);
      this.enter(child);
    }
    while (this.open.length > 0) this.closeInnermost(raw.length);
    return root;
  }

  private newPart(headerStart: number, depth: number, section: string, role: 'message' | 'part', inDigest: boolean): MimePart {
    this.partCount++;
    return {
      section,
      role,
      kind: 'leaf',
      depth,
      headerStart,
      headerEnd: headerStart,
      bodyStart: headerStart,
      bodyEnd: headerStart,
      type: inDigest ? 'message' : 'text',
      subtype: inDigest ? 'rfc822' : 'plain',
      contentTypeFromHeader: false,
      params: inDigest ? {} : { charset: 'us-ascii' },
      wireParams: [],
      encoding: null,
      id: null,
      description: null,
      location: null,
      md5: null,
      disposition: null,
      language: null,
      lines: null,
      envelope: null,
      children: [],
      defects: [],
    };
  }

  /** Read a part's header, open it, and for message/rfc822 go on into the encapsulated message. */
  private enter(first: MimePart): void {
    let part = first;
    for (;;) {
      this.readHeader(part);
      const entry: OpenPart = { part, boundary: null };
      this.open.push(entry);
      this.pos = part.bodyStart;
      const nestable = part.depth < this.maxDepth;
      if (part.type === 'multipart') {
        // the octets as written (a decoded value could differ from them)
        const boundary = part.wireParams.find((p) => p.name === 'boundary')?.value ?? Buffer.from(part.params['boundary'] ?? '', 'utf8');
        if (boundary.length === 0) {
          this.degrade(part, 'multipart-without-boundary');
        } else if (!nestable) {
          this.degrade(part, 'too-deep');
        } else {
          part.kind = 'multipart';
          entry.boundary = boundary;
          this.activeBoundaries++;
        }
        return;
      }
      if (part.type === 'message' && part.subtype === 'rfc822') {
        if (part.encoding !== null && !IDENTITY_ENCODINGS.has(part.encoding)) {
          // RFC 2046 §5.2.1 forbids encoding message/rfc822; the octets are not a message we can
          // point into, so it is reported as what it is to a client: a file to download.
          part.type = 'application';
          part.subtype = 'octet-stream';
          part.params = {};
          part.wireParams = [];
          part.contentTypeFromHeader = false;
          part.defects.push('encoded-message');
          return;
        }
        if (!nestable) {
          this.degrade(part, 'too-deep');
          return;
        }
        if (this.partCount >= this.maxParts) {
          this.degrade(part, 'too-many-parts');
          return;
        }
        part.kind = 'message';
        const inner = this.newPart(part.bodyStart, part.depth + 1, part.role === 'part' ? part.section : bodySection(part), 'message', false);
        part.children.push(inner);
        part = inner;
        continue;
      }
      return;
    }
  }

  /** A multipart or message part read as a text/plain leaf (its octets stay its body). */
  private degrade(part: MimePart, why: string): void {
    part.kind = 'leaf';
    part.type = 'text';
    part.subtype = 'plain';
    part.params = { charset: 'us-ascii' };
    part.wireParams = [];
    part.contentTypeFromHeader = false;
    part.defects.push(why);
  }

  private closeInnermost(end: number): void {
    const entry = this.open.pop()!;
    if (entry.boundary !== null) this.activeBoundaries--;
    this.close(entry.part, end);
  }

  private close(part: MimePart, end: number): void {
    part.bodyEnd = Math.max(part.bodyStart, end);
    if (part.kind === 'multipart' && part.children.length === 0) {
      // a multipart without any part (boundary never found): its octets are shown as text
      this.degrade(part, 'multipart-without-parts');
    }
    if (part.type === 'text' || part.kind === 'message') part.lines = this.countLines(part.bodyStart, part.bodyEnd);
  }

  private countLines(start: number, end: number): number {
    let n = 0;
    let i = this.raw.indexOf(LF, start);
    while (i >= 0 && i < end) {
      n++;
      i = this.raw.indexOf(LF, i + 1);
    }
    return n;
  }

  /** Start of the line break before the line at `lineStart` (CRLF or LF), or lineStart. */
  private lineBreakBefore(lineStart: number): number {
    if (lineStart > 0 && this.raw[lineStart - 1] === LF) {
      return lineStart > 1 && this.raw[lineStart - 2] === CR ? lineStart - 2 : lineStart - 1;
    }
    return lineStart;
  }

  /** Whether the line at `c` (which starts with "--") is a delimiter of an open multipart. */
  private matchDelimiter(c: number): Delimiter | null {
    const raw = this.raw;
    for (let level = this.open.length - 1; level >= 0; level--) {
      const boundary = this.open[level]!.boundary;
      if (boundary === null) continue;
      const after = c + 2 + boundary.length;
      if (after > raw.length || raw[c + 2] !== boundary[0] || raw.compare(boundary, 0, boundary.length, c + 2, after) !== 0) continue;
      const { next } = lineAt(raw, after, raw.length);
      if (raw[after] === DASH && raw[after + 1] === DASH) return { level, lineStart: c, lineEnd: next, close: true };
      // RFC 2046 §5.1.1: only linear whitespace may follow the boundary on its line
      let ok = true;
      for (let i = after; i < next; i++) {
        const b = raw[i];
        if (b !== 0x20 && b !== 0x09 && b !== CR && b !== LF) {
          ok = false;
          break;
        }
      }
      if (ok) return { level, lineStart: c, lineEnd: next, close: false };
    }
    return null;
  }

  private nextDelimiter(from: number): Delimiter | null {
    if (this.activeBoundaries === 0) return null;
    const raw = this.raw;
    let c = -1;
    if (raw[from] === DASH && raw[from + 1] === DASH && (from === 0 || raw[from - 1] === LF)) c = from;
    for (;;) {
      if (c < 0) {
        const i = raw.indexOf(NL_DASH_DASH, from);
        if (i < 0) return null;
        c = i + 1;
      }
      const hit = this.matchDelimiter(c);
      if (hit) return hit;
      from = c;
      c = -1;
    }
  }

  /** Find where the header of `part` ends and read the fields we need from it. */
  private readHeader(part: MimePart): void {
    const raw = this.raw;
    let pos = part.headerStart;
    let headerEnd = raw.length;
    let bodyStart = raw.length;
    while (pos < raw.length) {
      const { contentEnd, next } = lineAt(raw, pos, raw.length);
      if (contentEnd === pos) {
        headerEnd = bodyStart = next;
        break;
      }
      if (this.activeBoundaries > 0 && raw[pos] === DASH && raw[pos + 1] === DASH && this.matchDelimiter(pos)) {
        // the part ends inside its header (no blank line): an empty body
        headerEnd = bodyStart = Math.max(part.headerStart, this.lineBreakBefore(pos));
        part.defects.push('header-not-terminated');
        break;
      }
      pos = next;
    }
    part.headerEnd = headerEnd;
    part.bodyStart = bodyStart;
    part.bodyEnd = bodyStart;
    const fields = scanHeaderFields(raw, part.headerStart, headerEnd, WANTED_FIELDS);
    this.readContentFields(part, fields);
    if (part.role === 'message') part.envelope = envelopeFromFields(raw, fields);
  }

  private readContentFields(part: MimePart, fields: readonly HeaderField[]): void {
    const raw = this.raw;
    const value = (name: string) => {
      const field = firstField(fields, name);
      return field ? unfoldedValue(raw, field) : null;
    };
    const contentType = value('content-type');
    if (contentType !== null) {
      const parsed = parseStructuredValue(contentType);
      const slash = parsed.token.indexOf('/');
      const type = slash > 0 ? parsed.token.slice(0, slash) : '';
      const subtype = slash > 0 ? parsed.token.slice(slash + 1) : '';
      if (TOKEN.test(type) && TOKEN.test(subtype)) {
        part.type = type;
        part.subtype = subtype;
        part.params = decodeParams(parsed.params);
        part.wireParams = wireParams(parsed.params);
        part.contentTypeFromHeader = true;
      } else {
        part.defects.push('bad-content-type'); // RFC 2045 §5.2: read as if absent
      }
    }
    const encoding = value('content-transfer-encoding');
    if (encoding !== null) {
      const token = encoding.toString('latin1').trim().toLowerCase();
      if (TOKEN.test(token)) part.encoding = token;
      else part.defects.push('bad-content-transfer-encoding');
    }
    const disposition = value('content-disposition');
    if (disposition !== null) {
      const parsed = parseStructuredValue(disposition);
      if (TOKEN.test(parsed.token)) {
        part.disposition = { type: parsed.token, params: decodeParams(parsed.params), wireParams: wireParams(parsed.params) };
      }
    }
    const opt = (b: Buffer | null) => (b === null ? null : toImapString(b));
    part.id = opt(value('content-id'));
    part.description = opt(value('content-description'));
    part.location = opt(value('content-location'));
    part.md5 = opt(value('content-md5'));
    const language = value('content-language');
    if (language !== null) {
      // RFC 3282: 1#Language-tag; comments and whitespace dropped
      const tags = language
        .toString('latin1')
        .replace(/\([^)]*\)/g, ' ')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => /^[A-Za-z0-9-]+$/.test(t));
      if (tags.length > 0) part.language = tags;
    }
  }
}

/** A text/plain leaf over the whole message: what a message we could not read at all becomes. */
function fallbackTree(raw: Buffer): MimePart {
  return {
    section: '',
    role: 'message',
    kind: 'leaf',
    depth: 0,
    headerStart: 0,
    headerEnd: 0,
    bodyStart: 0,
    bodyEnd: raw.length,
    type: 'text',
    subtype: 'plain',
    contentTypeFromHeader: false,
    params: { charset: 'us-ascii' },
    wireParams: [],
    encoding: null,
    id: null,
    description: null,
    location: null,
    md5: null,
    disposition: null,
    language: null,
    lines: null,
    envelope: null,
    children: [],
    defects: ['unparseable'],
  };
}

/**
 * Parse the MIME structure of `raw` (an RFC 5322 message as stored). Never throws; offsets only,
 * no body is copied. Keep `raw` to read sections (sections.ts) — the tree does not hold it.
 */
export function parseMimeTree(raw: Buffer, options: ParseOptions = {}): MimePart {
  try {
    return new TreeParser(raw, options.maxDepth ?? MAX_MIME_DEPTH, options.maxParts ?? MAX_MIME_PARTS).run();
  } catch {
    return fallbackTree(raw);
  }
}

/** Every part of the tree, depth first in document order (the root first). */
export function* walkParts(tree: MimePart): Generator<MimePart> {
  const stack: MimePart[] = [tree];
  while (stack.length > 0) {
    const part = stack.pop()!;
    yield part;
    for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i]!);
  }
}

/**
 * The file name a part offers: Content-Disposition `filename`, else Content-Type `name` (what
 * Outlook and older mailers use), decoded; null when there is none.
 */
export function partFilename(part: MimePart): string | null {
  return part.disposition?.params['filename'] ?? part.params['name'] ?? null;
}

/**
 * Parts with Content-Disposition: attachment, in document order, not looking inside attached
 * messages (a forwarded message is one attachment, not its own attachments as well).
 */
export function attachmentParts(tree: MimePart): MimePart[] {
  const out: MimePart[] = [];
  const stack: MimePart[] = [tree];
  while (stack.length > 0) {
    const part = stack.pop()!;
    if (part.disposition?.type === 'attachment') out.push(part);
    if (part.kind === 'message' && part !== tree) continue;
    for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i]!);
  }
  return out;
}
