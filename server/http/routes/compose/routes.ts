/**
 * `POST /api/drafts` and `POST /api/send`.
 *
 * A draft is a message in the Drafts folder flagged \Draft (what IMAP clients show as a draft
 * too); saving again stores the new version and removes the one named by `draftId`.
 *
 * Sending goes through the same pipeline as SMTP submission (`DeliveryService.deliver`, with
 * protocol `web`): local recipients' INBOX copies and the outbound queue commit in one
 * transaction and the send is audited there. The sender's copy (with its Bcc field, which the
 * delivered copy never has) then goes to Sent, flagged \Seen; the draft is removed, the message
 * replied to gets \Answered, and the uploads are deleted.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { markReplied } from '../../../governance/important-mail/receipts.js';
import { assertWorkSecretEncrypted, checkedSecretBody, SmKeyDirectory } from '../../../governance/security/sm-keys.js';
import { parseMessageFields } from '../../../mail/message-fields.js';
import { uidRangesOf } from '../../../mail/uid-ranges.js';
import type { Services } from '../../../services.js';
import { newMessageId } from '../../../smtp/message-headers.js';
import type { Account } from '../../../storage/database.js';
import { sessionOf } from '../../plugins/sessions.js';
import { parseInput } from '../../validate.js';
import { composeMessage } from '../../webmail/compose.js';
import type { OwnedMessage } from '../../webmail/owned.js';
import { prepareOutgoing } from '../../webmail/outgoing.js';
import type { UploadStore } from '../../webmail/upload-store.js';
import { composeRequestSchema, type SendResult } from './schema.js';

export type ComposeRoutesOptions = { services: Services; uploads: UploadStore };

export async function composeRoutes(app: FastifyInstance, { services, uploads }: ComposeRoutesOptions): Promise<void> {
  const { mail, config } = services;
  const smKeys = new SmKeyDirectory(services.db, services.clock);
  // Compose requests carry the editor's HTML (up to 5 MB in the contract).
  const bodyLimit = 6 * 1024 * 1024;

  const folder = async (account: Account, specialUse: '\\Drafts' | '\\Sent') => {
    const found = await mail.findSpecialUse(account.id, specialUse);
    if (found) return found;
    await mail.ensureDefaultMailboxes(account.id);
    return (await mail.findSpecialUse(account.id, specialUse))!;
  };

  const removeDraft = async (draft: OwnedMessage) => {
    const uids = uidRangesOf([Number(draft.uid)]);
    await mail.storeFlags({ accountId: draft.account_id, mailboxId: draft.mailbox_id, uids, flags: ['\\Deleted'], mode: 'add' });
    await mail.expunge(draft.account_id, draft.mailbox_id, uids);
  };

  const tooBig = (raw: Buffer) => {
    if (raw.length > config.smtp.maxMessageBytes) throw new ApiError('payload_too_large', `邮件大小超过上限（${Math.floor(config.smtp.maxMessageBytes / 1024 / 1024)} MB）`);
  };

  app.post('/drafts', { bodyLimit }, async (request): Promise<{ id: number }> => {
    const { account } = sessionOf(request);
    const input = parseInput(composeRequestSchema, request.body);
    // 工作秘密 (SPEC 3.2): never kept on the server in plaintext, and an envelope is for sending only.
    if (input.classification === '工作秘密' || input.secretBody !== undefined) throw new ApiError('secret.encryption_required', '工作秘密邮件端到端加密，不在服务器上保存草稿');
    const out = await prepareOutgoing(services, uploads, account, input, { purpose: 'draft' });
    const raw = await composeMessage({ ...out.input, messageId: newMessageId(config.hostname), date: new Date(services.clock.now()), keepBcc: true });
    tooBig(raw);
    const drafts = await folder(account, '\\Drafts');
    const blobHash = await services.blobs.put(raw);
    const { value } = await mail.append({ blobHash, size: raw.length, fields: await parseMessageFields(raw) }, { accountId: account.id, mailboxId: drafts.id, flags: ['\\Draft', '\\Seen'] });
    if (out.draft) await removeDraft(out.draft);
    return { id: value.messageRowId };
  });

  app.post('/send', { bodyLimit }, async (request): Promise<SendResult> => {
    const { account } = sessionOf(request);
    const input = parseInput(composeRequestSchema, request.body);
    const out = await prepareOutgoing(services, uploads, account, input, { purpose: 'send' });
    // 工作秘密 end to end (SPEC 3.2): the browser's sealed body, checked; or refused if plaintext.
    const secretBody = await checkedSecretBody(smKeys, account, input, out.recipients);
    const messageId = newMessageId(config.hostname);
    const date = new Date(services.clock.now());
    const delivered = await composeMessage({ ...out.input, messageId, date, keepBcc: false, ...(secretBody !== undefined ? { secretBody } : {}) });
    tooBig(delivered);
    assertWorkSecretEncrypted(input.classification, delivered, secretBody !== undefined);
    const own = out.input.bcc.length > 0 ? await composeMessage({ ...out.input, messageId, date, keepBcc: true, ...(secretBody !== undefined ? { secretBody } : {}) }) : delivered;
    // The sent copy must fit: a message sent but missing from Sent would be sent again.
    const quota = await mail.quota(account.id);
    if (quota.usedBytes + own.length > quota.quotaBytes) throw new ApiError('mail.over_quota');
    const sent = await folder(account, '\\Sent');

    const report = await services.delivery.deliver({
      envelopeFrom: account.address,
      recipients: out.recipients,
      raw: delivered,
      submittedBy: { accountId: account.id, address: account.address },
      remoteIp: request.ip,
      protocol: 'web',
      outbound: { confirmedWarnings: input.confirmWarnings === true },
    });
    const held = report.heldForReview !== undefined;
    if (!held && report.deliveredTo.length === 0 && report.queuedFor.length === 0) {
      throw new ApiError('bad_request', report.overQuota.length > 0 ? '邮件未能投递：收件人邮箱空间已满' : '邮件未能投递：没有可接收的收件人');
    }

    let sentId = 0;
    try {
      const prepared =
        own === delivered && !held
          ? { blobHash: report.blobHash, size: report.size, fields: report.fields }
          : { blobHash: await services.blobs.put(own), size: own.length, fields: await parseMessageFields(own) };
      sentId = (await mail.append(prepared, { accountId: account.id, mailboxId: sent.id, flags: ['\\Seen'] })).value.messageRowId;
    } catch (err) {
      // Sent already: answering an error now would make the user send it twice.
      request.log.error({ err, messageId }, 'webmail send: storing the copy in Sent failed');
    }

    if (out.draft) await removeDraft(out.draft).catch((err: unknown) => request.log.warn({ err }, 'webmail send: removing the draft failed'));
    if (out.replied) {
      await mail.storeFlags({ accountId: account.id, mailboxId: out.replied.mailbox_id, uids: uidRangesOf([Number(out.replied.uid)]), flags: ['\\Answered'], mode: 'add' });
      // SPEC 3.4: replying is one of the states the sender of important mail sees.
      if (out.replied.importance === 'confirm' && out.replied.message_id) await markReplied(services.db, account.id, out.replied.message_id, services.clock.now());
    }
    for (const id of out.uploadIds) await uploads.remove(account.id, id);
    return { messageId, sentId, queuedExternal: report.queuedFor.length, ...(held ? { heldForReview: true } : {}) };
  });
}
