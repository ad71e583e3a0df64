/**
 * Builds the RFC 5322 message a webmail user sends or saves as a draft, with nodemailer's
 * MailComposer: UTF-8 throughout (RFC 2047 words in headers, RFC 2231 file names), CRLF line
 * ends, the govmail headers that carry the classification (SPEC 3.2) and important-mail
 * confirmation (SPEC 3.4), threading headers (RFC 5322 §3.6.4), uploaded files as attachments
 * and forwarded messages as message/rfc822 parts (RFC 2046 §5.2.1, never transfer-encoded).
 *
 * Bcc (RFC 5322 §3.6.3): the copy that is delivered never has the field; the sender's own
 * copy (Sent, Drafts) keeps it, so they still see whom they sent it to.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Classification } from '../../../common/schemas/webmail.js';
import { normalizeLineEndings, rfc5322Date } from '../../smtp/message-headers.js';
import { htmlToText } from './html-to-text.js';

export interface Mailbox {
  name: string;
  address: string;
}

export interface ComposeInput {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  /** Already sanitised (html-policy.ts `sanitizeComposedHtml`). */
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  /** Raw messages attached as message/rfc822 (forward as attachment). */
  attachedMessages: { filename: string; content: Buffer }[];
  classification: Classification;
  importance: 'normal' | 'high' | 'confirm';
  /** ISO 8601, for importance `confirm`. */
  deadline?: string;
  /** The message replied to: its Message-ID and References. */
  replyTo?: { messageId: string; references: readonly string[] };
  messageId: string;
  date: Date;
  /** Keep the Bcc field in the header (the sender's own copy). */
  keepBcc: boolean;
  /**
   * 工作秘密 end-to-end mail: the body (a MIME part with its own Content-Type, from
   * common/secret-mime.ts `buildSecretBody`) replaces the composed text/html/attachments.
   */
  secretBody?: string;
}

const MAX_REFERENCES = 20;

export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const headers: Record<string, string> = { 'X-Govmail-Classification': input.classification };
  if (input.importance === 'confirm') {
    headers['X-Govmail-Importance'] = 'confirm';
    if (input.deadline) headers['X-Govmail-Deadline'] = new Date(input.deadline).toISOString();
  }
  if (input.importance === 'high' || input.importance === 'confirm') {
    // What other clients understand (RFC 2156 Importance, the de-facto X-Priority).
    headers['Importance'] = 'high';
    headers['X-Priority'] = '1';
  }
  const references = input.replyTo ? [...input.replyTo.references, input.replyTo.messageId].slice(-MAX_REFERENCES) : [];
  const composer = new MailComposer({
    from: input.from,
    ...(input.to.length > 0 ? { to: input.to } : {}),
    ...(input.cc.length > 0 ? { cc: input.cc } : {}),
    ...(input.bcc.length > 0 ? { bcc: input.bcc } : {}),
    subject: input.subject,
    messageId: input.messageId,
    date: rfc5322Date(input.date),
    ...(input.replyTo ? { inReplyTo: input.replyTo.messageId, references } : {}),
    text: htmlToText(input.html),
    html: input.html,
    attachments: [
      ...input.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      ...input.attachedMessages.map((m) => ({ filename: m.filename, contentType: 'message/rfc822', contentDisposition: 'attachment' as const, content: m.content })),
    ],
    headers,
    // Nothing from the request may make the composer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'win',
  });
  const node = composer.compile();
  node.keepBcc = input.keepBcc;
  const built = normalizeLineEndings(await node.build());
  return input.secretBody === undefined ? built : withBody(built, input.secretBody);
}

/** The header of `raw` without its content headers, then the given part (its headers and body). */
function withBody(raw: Buffer, part: string): Buffer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end).split(/\r\n(?![ \t])/);
  const kept = lines.filter((l) => !/^content-(?:type|transfer-encoding):/i.test(l));
  return Buffer.concat([Buffer.from(kept.join('\r\n') + '\r\n', 'latin1'), Buffer.from(part, 'utf8')]);
}
