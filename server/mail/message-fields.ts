/**
 * Parses a raw message once, at delivery, into the fields list views, threading and search
 * need. Legacy Chinese charsets (GB2312/GBK/GB18030/Big5) are decoded by mailparser through
 * iconv-lite. Parsing never throws for malformed mail: whatever cannot be parsed is stored as
 * "no subject / no sender", and the raw bytes are kept untouched in the blob store.
 */
import libmime from 'libmime';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

export const CLASSIFICATIONS = ['公开', '内部', '工作秘密', '涉密'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const DEFAULT_CLASSIFICATION: Classification = '内部';

export interface AddressField {
  name: string;
  address: string;
}

export interface MessageFields {
  fromAddress: string | null;
  fromName: string | null;
  to: AddressField[];
  cc: AddressField[];
  subject: string | null;
  sentDate: number | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  attachmentNames: string[];
  classification: Classification;
  importance: 'normal' | 'high' | 'confirm';
  preview: string;
  /** Decoded text for the search index (body text plus attachment names). */
  text: string;
}

const PREVIEW_CHARS = 200;

function flattenAddresses(value: AddressObject | AddressObject[] | undefined): AddressField[] {
  if (!value) return [];
  const out: AddressField[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) out.push({ name: entry.name ?? '', address: entry.address.toLowerCase() });
    }
  };
  for (const obj of Array.isArray(value) ? value : [value]) visit(obj.value);
  return out;
}

function headerText(parsed: ParsedMail, name: string): string | null {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return null;
  // mailparser leaves RFC 2047 encoded-words undecoded in headers it does not know (X-…).
  const text = typeof value === 'string' ? value : String(value);
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

function classificationOf(parsed: ParsedMail): Classification {
  const label = headerText(parsed, 'x-govmail-classification')?.trim();
  return (CLASSIFICATIONS as readonly string[]).includes(label ?? '') ? (label as Classification) : DEFAULT_CLASSIFICATION;
}

function importanceOf(parsed: ParsedMail): MessageFields['importance'] {
  if (headerText(parsed, 'x-govmail-importance')?.trim().toLowerCase() === 'confirm') return 'confirm';
  const importance = headerText(parsed, 'importance')?.trim().toLowerCase();
  const priority = parsed.headers.get('priority');
  const xPriority = headerText(parsed, 'x-priority')?.trim();
  if (importance === 'high' || priority === 'urgent' || xPriority?.startsWith('1') || xPriority?.startsWith('2')) return 'high';
  return 'normal';
}

function plainFromHtml(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A text part without a charset label is us-ascii by RFC 2045, but Chinese clients send GBK
 * that way and every Chinese reader sniffs it. When the message is not valid UTF-8, label such
 * parts GB18030 (a superset of GB2312 and GBK) for parsing only; the stored bytes stay as sent.
 */
export function labelUnlabelledLegacyText(raw: Buffer): Buffer {
  try {
    strictUtf8.decode(raw);
    return raw;
  } catch {
    const text = raw.toString('latin1');
    const labelled = text.replace(
      /^(Content-Type:[ \t]*text\/[a-z0-9.+-]+)((?:[ \t]*;[^\r\n]*)?(?:\r?\n[ \t][^\r\n]*)*)/gim,
      (header: string, type: string, rest: string) => (/charset\s*=/i.test(rest) ? header : `${type}; charset=gb18030${rest}`),
    );
    return labelled === text ? raw : Buffer.from(labelled, 'latin1');
  }
}

export async function parseMessageFields(raw: Buffer): Promise<MessageFields> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(labelUnlabelledLegacyText(raw), { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch {
    return emptyFields();
  }
  const from = flattenAddresses(parsed.from)[0];
  const attachments = parsed.attachments.filter((a) => a.contentDisposition === 'attachment' || (!a.related && Boolean(a.filename)));
  const attachmentNames = attachments.map((a) => a.filename ?? '').filter(Boolean);
  const bodyText = parsed.text ?? (typeof parsed.html === 'string' ? plainFromHtml(parsed.html) : '');
  const references = parsed.references ? (Array.isArray(parsed.references) ? parsed.references : [parsed.references]) : [];
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) && parsed.headers.has('date') ? parsed.date.getTime() : null;
  return {
    fromAddress: from?.address ?? null,
    fromName: from?.name || null,
    to: flattenAddresses(parsed.to),
    cc: flattenAddresses(parsed.cc),
    subject: parsed.subject ?? null,
    sentDate: date,
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references,
    attachmentNames,
    classification: classificationOf(parsed),
    importance: importanceOf(parsed),
    preview: bodyText.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS),
    text: `${bodyText}\n${attachmentNames.join('\n')}`,
  };
}

function emptyFields(): MessageFields {
  return {
    fromAddress: null,
    fromName: null,
    to: [],
    cc: [],
    subject: null,
    sentDate: null,
    messageId: null,
    inReplyTo: null,
    references: [],
    attachmentNames: [],
    classification: DEFAULT_CLASSIFICATION,
    importance: 'normal',
    preview: '',
    text: '',
  };
}
