/**
 * What the reading pane needs from a raw message, read through the MIME tree (byte offsets,
 * server/mail/mime): the body text and HTML, the attachments with their part numbers (for
 * /api/messages/:id/parts/:part), the Reply-To, and the important-mail deadline.
 *
 * Bodies are chosen as mail clients choose them: the text/plain and text/html parts that are
 * not attachments, outside attached messages (a forwarded message is an attachment, not part
 * of this one's text). In multipart/alternative that yields the plain and the HTML version.
 * Only those parts are decoded; a 50 MB attachment is never read for opening the message.
 *
 * Charsets: the part's label through WHATWG TextDecoder (its `gb2312` is GBK, as Chinese mail
 * needs); a missing or us-ascii label is read as UTF-8 when the bytes are valid UTF-8, else as
 * GB18030 (what unlabelled Chinese mail is).
 */
import { decodeCharset, decodeEncodedWords, decodeUnlabelled } from '../../mail/mime/charset.js';
import type { ImapAddress } from '../../mail/mime/envelope.js';
import { decodePartBody, findPart, parseMimeTree, partFilename, type MimePart } from '../../mail/mime/index.js';
import type { AddressView } from '../../../common/schemas/webmail.js';
import { deadlineOf } from '../../governance/important-mail/receipts.js';
import { MAX_DISPLAY_HTML_CHARS, MAX_EXACT_SIZE_DECODE_BYTES } from '../limits.js';

export interface ContentPart {
  /** RFC 3501 part number (`2`, `1.2`). */
  part: string;
  filename: string;
  contentType: string;
  /** Decoded size in bytes (estimated from the encoded size for very large parts). */
  size: number;
  /** Content-ID without angle brackets, or null. */
  contentId: string | null;
}

export interface MessageContent {
  text: string | null;
  /** The HTML as sent: sanitise before showing it (html-policy.ts). */
  html: string | null;
  /** Everything that is not body text: files, images, attached messages, calendar invitations. */
  parts: ContentPart[];
  /** An explicit Reply-To (empty when the message has none). */
  replyTo: AddressView[];
  /** Bcc as written in the message: only a sender's own copy (已发送, 草稿箱) keeps it. */
  bcc: AddressView[];
  /** X-Govmail-Deadline, epoch ms. */
  deadline: number | null;
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'text/calendar': '.ics',
  'message/rfc822': '.eml',
  'message/delivery-status': '.txt',
  'message/disposition-notification': '.txt',
  'text/plain': '.txt',
  'text/html': '.html',
};

function contentTypeOf(part: MimePart): string {
  return `${part.type}/${part.subtype}`;
}

function isBodyText(part: MimePart): boolean {
  return part.kind === 'leaf' && part.type === 'text' && (part.subtype === 'plain' || part.subtype === 'html') && part.disposition?.type !== 'attachment' && partFilename(part) === null;
}

/** The number under which /parts/ finds a leaf: its section; `1` for the body of a one-part message. */
function partNumber(part: MimePart): string {
  return part.role === 'part' ? part.section : part.section === '' ? '1' : `${part.section}.1`;
}

export function decodeText(raw: Buffer, part: MimePart): string {
  const bytes = decodePartBody(raw, part);
  const charset = part.params['charset']?.trim().toLowerCase();
  if (!charset || charset === 'us-ascii' || charset === 'ascii') return decodeUnlabelled(bytes);
  return decodeCharset(bytes, charset) ?? decodeUnlabelled(bytes);
}

function estimatedSize(raw: Buffer, part: MimePart): number {
  const encoded = part.bodyEnd - part.bodyStart;
  if (part.encoding !== 'base64' && part.encoding !== 'quoted-printable') return encoded;
  if (encoded <= MAX_EXACT_SIZE_DECODE_BYTES) return decodePartBody(raw, part).length;
  // base64 lines of 76 characters plus CRLF carry 57 octets
  return part.encoding === 'base64' ? Math.floor((encoded * 57) / 78) : encoded;
}

/** Header text as written (encoded words, raw 8-bit) → Unicode. */
function text(value: string | Buffer | null): string {
  return value === null ? '' : decodeEncodedWords(value);
}

function filenameOf(part: MimePart): string {
  const named = partFilename(part)?.trim();
  if (named) return named.replace(/[\\/]/g, '_');
  const inner = part.kind === 'message' ? part.children[0]?.envelope : null;
  const subject = inner ? text(inner.subject).trim() : '';
  if (subject) return `${subject.replace(/[\\/]/g, '_').slice(0, 100)}.eml`;
  return `附件-${partNumber(part)}${EXTENSIONS[contentTypeOf(part)] ?? '.bin'}`;
}

function addressViews(list: ImapAddress[] | null): AddressView[] {
  if (!list) return [];
  return list
    .filter((a) => a.host !== null && a.mailbox !== null)
    .map((a) => ({ name: text(a.name), address: `${text(a.mailbox)}@${text(a.host)}`.toLowerCase() }));
}

export function readMessageContent(raw: Buffer): MessageContent {
  const tree = parseMimeTree(raw);
  const texts: string[] = [];
  const htmls: string[] = [];
  const parts: ContentPart[] = [];
  // Depth first in document order; attached messages are not entered.
  const stack: MimePart[] = [tree];
  while (stack.length > 0) {
    const part = stack.pop()!;
    if (part.kind === 'multipart' || (part === tree && part.kind === 'message')) {
      for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i]!);
      continue;
    }
    if (isBodyText(part)) {
      (part.subtype === 'html' ? htmls : texts).push(decodeText(raw, part));
      continue;
    }
    const id = part.id === null ? null : (typeof part.id === 'string' ? part.id : part.id.toString('latin1')).trim().replace(/^<|>$/g, '');
    parts.push({ part: partNumber(part), filename: filenameOf(part), contentType: contentTypeOf(part), size: estimatedSize(raw, part), contentId: id || null });
  }
  let html = htmls.length > 0 ? htmls.join('\n<hr>\n') : null;
  if (html !== null && html.length > MAX_DISPLAY_HTML_CHARS) html = html.slice(0, MAX_DISPLAY_HTML_CHARS);
  const envelope = tree.envelope;
  return {
    text: texts.length > 0 ? texts.join('\n\n') : null,
    html,
    parts,
    // The envelope puts From in Reply-To's place when there is none (RFC 3501 §7.4.2).
    replyTo: envelope && envelope.replyTo !== envelope.from ? addressViews(envelope.replyTo) : [],
    bcc: envelope ? addressViews(envelope.bcc) : [],
    deadline: deadlineOf(raw),
  };
}

/** A leaf (or attached message) by its part number, or null. */
export function findContentPart(raw: Buffer, partNumberText: string): { part: MimePart; tree: MimePart } | null {
  if (!/^[1-9]\d{0,4}(?:\.[1-9]\d{0,4}){0,40}$/.test(partNumberText)) return null;
  const tree = parseMimeTree(raw);
  const part = findPart(tree, partNumberText.split('.').map(Number));
  if (!part || part.kind === 'multipart') return null;
  return { part, tree };
}

export { contentTypeOf, filenameOf };
