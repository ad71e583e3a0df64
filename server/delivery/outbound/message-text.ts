/**
 * The text of a submitted message that content inspection looks at (SPEC 3.2), each piece with
 * where it came from: the subject, the body (text/plain and text/html parts, decoded from
 * their charset — GBK/GB18030/Big5 too, through mailparser), every attachment's file name, and
 * the text inside attachments:
 *   - text/* (plain, csv, html, calendar …), decoded from the declared charset or sniffed
 *     (UTF-8, else GB18030, as Chinese clients send unlabeled text);
 *   - Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp): the XML parts that
 *     hold the text, out of the ZIP container;
 *   - PDF: the text layer, read by pdf.js in a worker thread with a deadline (pdf-text.ts);
 *   - attached messages (message/rfc822): inspected in turn, up to MAX_DEPTH levels.
 * NOT inspected (listed in `notInspected`, so a reviewer knows): scanned PDFs without a text
 * layer and PDFs too slow or damaged to read, pages past the limit, legacy binary Office
 * (.doc/.xls/.ppt), images (no OCR), archives (zip/rar/7z) other than Office files, encrypted
 * or damaged Office files.
 */
import { simpleParser, type Attachment } from 'mailparser';
import libmime from 'libmime';
import { extractPdfText, looksLikePdf, PdfTextError } from './pdf-text.js';
import { readZipEntry, zipEntries, ZipError } from './zip-entries.js';

export type TextLocation = 'subject' | 'body' | 'attachment_filename' | 'attachment_content';

export interface TextPiece {
  location: TextLocation;
  /** Attachment file name for attachment pieces. */
  name?: string;
  text: string;
}

export interface InspectableMessage {
  subject: string;
  messageId: string | null;
  /** The classification label the sender chose (X-Govmail-Classification), decoded. */
  classification: string | null;
  /** Lower-case header names present (auto-forward markers are looked for here). */
  headerNames: Set<string>;
  /** Header name → first value, decoded. */
  headers: Map<string, string>;
  pieces: TextPiece[];
  /** Attachments whose content could not be inspected, with why. */
  notInspected: { name: string; reason: string }[];
}

/** Attached messages inside attached messages: deeper levels are not opened. */
const MAX_DEPTH = 3;
/** Text taken from one attachment; the rest of a huge file is not inspected. */
const MAX_TEXT_CHARS = 2_000_000;

const OFFICE_TEXT_PARTS: RegExp[] = [
  /^word\/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$/,
  /^xl\/sharedStrings\.xml$/,
  /^xl\/worksheets\/sheet\d+\.xml$/,
  /^ppt\/slides\/slide\d+\.xml$/,
  /^content\.xml$/,
  /^docProps\/core\.xml$/,
];

const OFFICE_TYPES = /officedocument|opendocument|ms-word\.document\.macroenabled|ms-excel\.sheet\.macroenabled/;
const OFFICE_NAMES = /\.(docx|docm|xlsx|xlsm|pptx|pptm|odt|ods|odp)$/i;

export function decodeText(content: Buffer, charset: string | undefined): string {
  const label = charset?.trim().toLowerCase();
  if (label) {
    try {
      // gb2312 labels often cover GBK bytes: decode as the superset.
      const effective = label === 'gb2312' || label === 'gbk' ? 'gb18030' : label;
      return new TextDecoder(effective).decode(content);
    } catch {
      // Unknown label: sniff below.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return new TextDecoder('gb18030').decode(content);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Markup (HTML or XML) to text: block ends become line breaks, tags go, entities are decoded. */
export function markupToText(markup: string): string {
  return decodeEntities(
    markup
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      // Paragraph-like ends in HTML, Word (w:p), Excel (row, si), PowerPoint (a:p), ODF (text:p).
      .replace(/<\/(p|div|li|tr|h\d|w:p|a:p|text:p|text:h|si|row)\s*>|<br\s*\/?>|<w:br\s*\/>|<w:tab\s*\/>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  );
}

function charsetOf(attachment: Attachment): string | undefined {
  const header = attachment.headers.get('content-type') as { params?: Record<string, string> } | string | undefined;
  return typeof header === 'object' ? header?.params?.charset : undefined;
}

function officeText(content: Buffer): string {
  const texts: string[] = [];
  for (const entry of zipEntries(content)) {
    if (OFFICE_TEXT_PARTS.some((re) => re.test(entry.name))) texts.push(markupToText(readZipEntry(content, entry).toString('utf8')));
  }
  return texts.join('\n');
}

function headerValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  if (value && typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  return value === undefined || value === null ? '' : String(value);
}

export async function inspectableMessage(raw: Buffer, depth = 0): Promise<InspectableMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const headers = new Map<string, string>();
  for (const [name, value] of parsed.headers) {
    let text = headerValue(value);
    try {
      text = libmime.decodeWords(text);
    } catch {
      // keep it as it is
    }
    if (!headers.has(name)) headers.set(name, text);
  }
  const subject = parsed.subject ?? '';
  const out: InspectableMessage = {
    subject,
    messageId: parsed.messageId ?? null,
    classification: headers.get('x-govmail-classification')?.trim() ?? null,
    headerNames: new Set(headers.keys()),
    headers,
    pieces: [],
    notInspected: [],
  };
  if (subject) out.pieces.push({ location: 'subject', text: subject });
  if (parsed.text) out.pieces.push({ location: 'body', text: parsed.text });
  if (typeof parsed.html === 'string' && parsed.html) out.pieces.push({ location: 'body', text: markupToText(parsed.html) });

  for (const attachment of parsed.attachments) {
    const name = attachment.filename ?? '';
    if (name) out.pieces.push({ location: 'attachment_filename', name, text: name });
    const type = attachment.contentType.toLowerCase();
    const label = name || type;
    try {
      if (type === 'message/rfc822' || type === 'message/global') {
        if (depth >= MAX_DEPTH) {
          out.notInspected.push({ name: label, reason: 'nested too deep' });
          continue;
        }
        const inner = await inspectableMessage(attachment.content, depth + 1);
        for (const piece of inner.pieces) out.pieces.push({ location: 'attachment_content', name: piece.name ?? label, text: piece.text });
        out.notInspected.push(...inner.notInspected);
      } else if (type.startsWith('text/')) {
        const text = decodeText(attachment.content, charsetOf(attachment));
        out.pieces.push({ location: 'attachment_content', name: label, text: (type === 'text/html' ? markupToText(text) : text).slice(0, MAX_TEXT_CHARS) });
      } else if (OFFICE_TYPES.test(type) || OFFICE_NAMES.test(name)) {
        out.pieces.push({ location: 'attachment_content', name: label, text: officeText(attachment.content).slice(0, MAX_TEXT_CHARS) });
      } else if ((type === 'application/pdf' || /\.pdf$/i.test(name) || type === 'application/octet-stream') && looksLikePdf(attachment.content)) {
        const pdf = await extractPdfText(attachment.content);
        if (pdf.text.trim()) out.pieces.push({ location: 'attachment_content', name: label, text: pdf.text });
        else out.notInspected.push({ name: label, reason: 'PDF without a text layer (scanned?)' });
        if (pdf.truncated) out.notInspected.push({ name: label, reason: `PDF of ${pdf.pages} pages: only the first pages were read` });
      } else if (!type.startsWith('image/')) {
        out.notInspected.push({ name: label, reason: type });
      }
    } catch (err) {
      out.notInspected.push({ name: label, reason: err instanceof ZipError || err instanceof PdfTextError ? err.message : 'unreadable' });
    }
  }
  return out;
}
