/**
 * From a compose request (drafts and send) to what `composeMessage` needs, checking everything
 * a client sends: recipient addresses, the classification rule of SPEC 3.2, and that every id
 * it names — upload, draft, replied or forwarded message — is the session account's.
 */
import { ApiError, type ErrorIssue } from '../../../common/errors.js';
import type { ComposeRequest } from '../../../common/schemas/webmail.js';
import { decodePartBody } from '../../mail/mime/index.js';
import type { Services } from '../../services.js';
import type { Account } from '../../storage/database.js';
import type { ComposeInput, Mailbox } from './compose.js';
import { sanitizeComposedHtml } from './html-policy.js';
import { contentTypeOf, filenameOf, findContentPart } from './message-content.js';
import { idParam, ownedMessage, type OwnedMessage } from './owned.js';
import { parseStringList } from '../presenters/message.js';
import type { UploadStore } from './upload-store.js';

/** A deliberately plain addr-spec: what the directory and people type, not every RFC 5322 form. */
const ADDRESS_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** `addr`, `<addr>`, `Name <addr>` or `"Name" <addr>`; null when it is none of these. */
export function parseRecipient(text: string): Mailbox | null {
  const trimmed = text.trim();
  const angle = /^(.*?)\s*<([^<>\s]+)>$/.exec(trimmed);
  const name = angle ? angle[1]!.trim().replace(/^"(.*)"$/, '$1').trim() : '';
  const address = (angle ? angle[2]! : trimmed).toLowerCase();
  // eslint-disable-next-line no-control-regex -- a display name never holds control characters
  if (!ADDRESS_RE.test(address) || /[\u0000-\u001f\u007f]/.test(name)) return null;
  return { name, address };
}

export interface Outgoing {
  /** Everything but messageId, date and keepBcc, which the caller sets. */
  input: Omit<ComposeInput, 'messageId' | 'date' | 'keepBcc'>;
  /** Envelope recipients: To, Cc and Bcc, each address once. */
  recipients: string[];
  replied: OwnedMessage | null;
  draft: OwnedMessage | null;
  uploadIds: string[];
}

export interface PrepareOptions {
  /** Sending (recipients required and checked against the directory) or saving a draft. */
  purpose: 'send' | 'draft';
}

export async function prepareOutgoing(services: Services, uploads: UploadStore, account: Account, request: ComposeRequest, options: PrepareOptions): Promise<Outgoing> {
  const issues: ErrorIssue[] = [];
  const lists = { to: [] as Mailbox[], cc: [] as Mailbox[], bcc: [] as Mailbox[] };
  for (const field of ['to', 'cc', 'bcc'] as const) {
    request[field].forEach((text, i) => {
      const parsed = parseRecipient(text);
      if (parsed) lists[field].push(parsed);
      else issues.push({ path: `${field}.${i}`, message: `邮件地址格式不正确：${text}` });
    });
  }
  // SPEC 3.2: 涉密不上网 — state secrets never go onto an internet-connected system. A send is
  // refused by the outbound checks (one path with SMTP, and a security event); a draft here.
  if (request.classification === '涉密' && options.purpose === 'draft') {
    issues.push({ path: 'classification', message: '涉密信息严禁通过本邮件系统传输或存储，请通过机要渠道办理' });
  }
  if (request.importance === 'confirm' && request.deadline !== undefined && Number.isNaN(Date.parse(request.deadline))) {
    issues.push({ path: 'deadline', message: '办理期限格式不正确' });
  }
  const recipients = [...new Set([...lists.to, ...lists.cc, ...lists.bcc].map((m) => m.address))];
  if (options.purpose === 'send') {
    if (recipients.length === 0) issues.push({ path: 'to', message: '请填写收件人' });
    if (recipients.length > services.config.smtp.maxRecipients) issues.push({ path: 'to', message: `收件人不能超过 ${services.config.smtp.maxRecipients} 个` });
    for (const field of ['to', 'cc', 'bcc'] as const) {
      for (const [i, m] of lists[field].entries()) {
        // What SMTP submission refuses at RCPT TO, refused here before anything is sent.
        const resolution = await services.delivery.resolver.resolve(m.address);
        if (resolution.kind === 'unknown-local') issues.push({ path: `${field}.${i}`, message: `收件人不存在：${m.address}` });
        if (resolution.kind === 'inactive-local') issues.push({ path: `${field}.${i}`, message: `收件人账号已停用：${m.address}` });
      }
    }
  }
  if (issues.length > 0) throw new ApiError('validation', issues[0]!.message, { issues });

  const replied = request.inReplyTo === undefined ? null : await ownedMessage(services.db, account.id, idParam(request.inReplyTo));
  const draft = request.draftId === undefined ? null : await ownedMessage(services.db, account.id, idParam(request.draftId));
  // Only a message in Drafts is a draft: saving over it deletes it.
  if (draft && draft.special_use !== '\\Drafts') throw new ApiError('not_found');

  const attachments: ComposeInput['attachments'] = [];
  const attachedMessages: ComposeInput['attachedMessages'] = [];
  for (const id of request.attachments) {
    const found = await uploads.get(account.id, id);
    if (!found) throw new ApiError('not_found', '附件不存在或已过期，请重新上传');
    attachments.push({ filename: found.upload.filename, contentType: found.upload.contentType, content: found.content });
  }
  if (request.draftParts.length > 0) {
    if (!draft) throw new ApiError('validation', '保留草稿附件需要 draftId', { issues: [{ path: 'draftParts', message: '保留草稿附件需要 draftId' }] });
    const raw = await services.blobs.get(draft.blob_hash);
    for (const partNumber of request.draftParts) {
      const found = findContentPart(raw, partNumber);
      if (!found) throw new ApiError('not_found');
      const content = Buffer.from(decodePartBody(raw, found.part));
      const contentType = contentTypeOf(found.part);
      if (contentType === 'message/rfc822') attachedMessages.push({ filename: filenameOf(found.part), content });
      else attachments.push({ filename: filenameOf(found.part), contentType, content });
    }
  }
  for (const id of request.attachMessages) {
    const row = await ownedMessage(services.db, account.id, idParam(id));
    const subject = (row.subject ?? '').replace(/[\\/]/g, '_').trim().slice(0, 100);
    attachedMessages.push({ filename: `${subject || '转发邮件'}.eml`, content: await services.blobs.get(row.blob_hash) });
  }

  return {
    input: {
      from: { name: account.display_name, address: account.address },
      ...lists,
      subject: request.subject,
      html: sanitizeComposedHtml(request.html),
      attachments,
      attachedMessages,
      classification: request.classification,
      importance: request.importance,
      ...(request.importance === 'confirm' && request.deadline ? { deadline: request.deadline } : {}),
      ...(replied?.message_id ? { replyTo: { messageId: replied.message_id, references: parseStringList(replied.references_json) } } : {}),
    },
    recipients,
    replied,
    draft,
    uploadIds: request.attachments,
  };
}
