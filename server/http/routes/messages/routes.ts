/**
 * `/api/mailboxes/:id/messages` and `/api/messages/…`: the paged list of a folder, the reading
 * pane, the original source, attachments, flags, move and delete. Every id is resolved against
 * the session's account in SQL (webmail/owned.ts); all changes go through the mail domain, so
 * IMAP sessions and other tabs hear of them on the change feed.
 *
 * The list is built for virtualised folders of 100k messages: one index range scan reads the
 * page's ids in the requested order (indexes of the 2026-11-28-webmail migration), then the
 * page's rows are read by id.
 */
import type { FastifyInstance } from 'fastify';
import { sql, type RawBuilder } from 'kysely';
import { ApiError } from '../../../../common/errors.js';
import type { MessageListQuery } from '../../../../common/schemas/webmail.js';
import { ensureReceipt, markOpened, receiptFor } from '../../../governance/important-mail/receipts.js';
import type { FlagMode } from '../../../mail/flags.js';
import { decodePartBody } from '../../../mail/mime/index.js';
import { uidRangesOf } from '../../../mail/uid-ranges.js';
import type { Services } from '../../../services.js';
import type { Db } from '../../../storage/connect.js';
import { sessionOf } from '../../plugins/sessions.js';
import { parseAddresses, parseStringList, presentSummary, SUMMARY_COLUMNS, type SummaryRow } from '../../presenters/message.js';
import { presentReceipt } from '../../presenters/receipt.js';
import { parseInput } from '../../validate.js';
import { contentDisposition, sandboxPartResponse } from '../../webmail/downloads.js';
import { sanitizeMailHtml } from '../../webmail/html-policy.js';
import { allowRemoteImagesInFrame, mailFrameDocument, mailFrameResponse } from '../../webmail/mail-frame.js';
import { contentTypeOf, filenameOf, findContentPart, readMessageContent } from '../../webmail/message-content.js';
import { idParam, ownedMailbox, ownedMessage, ownedMessages, type OwnedMessage } from '../../webmail/owned.js';
import { isRecipientCopy } from '../../webmail/receipts.js';
import {
  deleteMessagesSchema,
  messageDetailQuerySchema,
  messageFrameQuerySchema,
  messageListQuerySchema,
  moveMessagesSchema,
  updateFlagsSchema,
  type MessageDetail,
  type MessagePage,
  type MessageSummary,
} from './schema.js';

/**
 * Sort keys, each the second column of an index that starts with mailbox_id; written exactly
 * as in the migration so the planner matches the expression index. The row id breaks ties.
 */
const SORT_KEYS: Record<MessageListQuery['sort'], RawBuilder<unknown>> = {
  date: sql`internal_date`,
  from: sql`coalesce(from_name, from_address, '')`,
  subject: sql`subject`,
  size: sql`size`,
};

/** Image types shown inline; SVG is a document (it can hold script), never inline. */
const INLINE_TYPES = /^(?:image\/(?:png|gif|jpeg|webp|bmp)|application\/pdf)$/;

/** The ids of one page, in order: read from the sort key's index alone (see the migration). */
export function pageIdsQuery(db: Db, mailboxId: number, query: MessageListQuery) {
  const direction = query.order === 'asc' ? sql`asc` : sql`desc`;
  return db
    .selectFrom('messages')
    .select('id')
    .where('mailbox_id', '=', mailboxId)
    .orderBy(sql`${SORT_KEYS[query.sort]} ${direction}`)
    .orderBy(sql`id ${direction}`)
    .limit(query.limit)
    .offset(query.offset);
}

export async function listPage(db: Db, mailboxId: number, query: MessageListQuery): Promise<{ rows: SummaryRow[]; total: number }> {
  const ids = await pageIdsQuery(db, mailboxId, query).execute();
  const total = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('mailbox_id', '=', mailboxId).executeTakeFirstOrThrow();
  if (ids.length === 0) return { rows: [], total: Number(total.n) };
  const rows = await db.selectFrom('messages').select(SUMMARY_COLUMNS).where('id', 'in', ids.map((r) => r.id)).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { rows: ids.map((r) => byId.get(r.id)).filter((r): r is SummaryRow => r !== undefined), total: Number(total.n) };
}

async function setFlag(services: Services, row: OwnedMessage, flag: string, on: boolean): Promise<void> {
  const mode: FlagMode = on ? 'add' : 'remove';
  await services.mail.storeFlags({ accountId: row.account_id, mailboxId: row.mailbox_id, uids: uidRangesOf([Number(row.uid)]), flags: [flag], mode });
}

function groupByMailbox(rows: readonly OwnedMessage[]): Map<number, OwnedMessage[]> {
  const groups = new Map<number, OwnedMessage[]>();
  for (const row of rows) groups.set(row.mailbox_id, [...(groups.get(row.mailbox_id) ?? []), row]);
  return groups;
}

export async function messageRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db, mail } = services;
  const domains = services.config.domains;

  const summary = async (accountId: number, id: number): Promise<MessageSummary> => presentSummary(await ownedMessage(db, accountId, id), domains);

  app.get<{ Params: { id: string } }>('/mailboxes/:id/messages', async (request): Promise<MessagePage> => {
    const { account } = sessionOf(request);
    const mailbox = await ownedMailbox(db, account.id, idParam(request.params.id));
    const query = parseInput(messageListQuerySchema, request.query);
    const { rows, total } = await listPage(db, mailbox.id, query);
    return { items: rows.map((r) => presentSummary(r, domains)), total, offset: query.offset };
  });

  /** The message's HTML, sanitised for this reader (remote images only when allowed). */
  async function sanitizedBody(row: OwnedMessage, content: ReturnType<typeof readMessageContent>, remoteOnce: boolean) {
    const sender = row.from_address;
    const senderAllowed = sender
      ? Boolean(await db.selectFrom('remote_image_senders').select('sender').where('account_id', '=', row.account_id).where('sender', '=', sender.toLowerCase()).executeTakeFirst())
      : false;
    const remoteImagesAllowed = remoteOnce || senderAllowed;
    const partOfCid = new Map(content.parts.filter((p) => p.contentId).map((p) => [p.contentId!, p.part]));
    const sanitized =
      content.html === null
        ? null
        : sanitizeMailHtml(content.html, {
            allowRemoteImages: remoteImagesAllowed,
            cidUrl: (cid) => {
              const part = partOfCid.get(cid);
              return part ? `/api/messages/${row.id}/parts/${encodeURIComponent(part)}?inline=1` : null;
            },
          });
    return { sanitized, remoteImagesAllowed };
  }

  app.get<{ Params: { id: string } }>('/messages/:id', async (request): Promise<MessageDetail> => {
    const { account } = sessionOf(request);
    const query = parseInput(messageDetailQuerySchema, request.query);
    const row = await ownedMessage(db, account.id, idParam(request.params.id));
    const raw = await services.blobs.get(row.blob_hash);
    const content = readMessageContent(raw);

    const { sanitized, remoteImagesAllowed } = await sanitizedBody(row, content, query.remoteImages);

    if (!query.peek && row.seen === 0) {
      await setFlag(services, row, '\\Seen', true);
      row.seen = 1;
    }

    let receipt = null;
    if (row.importance === 'confirm' && row.message_id && isRecipientCopy(row)) {
      const now = services.clock.now();
      await ensureReceipt(db, account.id, row.message_id, content.deadline, now);
      await markOpened(db, account.id, row.message_id, now);
      const own = await receiptFor(db, account.id, row.message_id);
      if (own) receipt = presentReceipt(own, { name: account.display_name, address: account.address });
    }

    // What the inbound checks found when this arrived by the MX (SPEC 4.2): it came from
    // outside whatever its From says (外部邮件), and the warnings are the 风险提示.
    const inbound = await db.selectFrom('inbound_results').select(['external', 'verdict', 'warnings']).where('blob_hash', '=', row.blob_hash).executeTakeFirst();
    const summaryView = presentSummary(row, domains);
    return {
      ...summaryView,
      external: summaryView.external || inbound?.external === 1,
      riskWarnings: inbound && inbound.verdict === 'warn' ? parseStringList(inbound.warnings) : [],
      cc: parseAddresses(row.cc_json),
      replyTo: content.replyTo,
      bcc: content.bcc,
      messageId: row.message_id,
      inReplyTo: row.in_reply_to,
      references: parseStringList(row.references_json),
      text: content.text,
      html: sanitized?.html ?? null,
      hasRemoteImages: sanitized?.hasRemoteImages ?? false,
      remoteImagesAllowed,
      attachments: content.parts.map((p) => ({
        part: p.part,
        filename: p.filename,
        contentType: p.contentType,
        size: p.size,
        inline: p.contentId !== null && (sanitized?.referencedCids.has(p.contentId) ?? false),
      })),
      receipt,
      deadline: content.deadline === null ? null : new Date(content.deadline).toISOString(),
    };
  });

  /** The HTML body as a document of its own for the reading pane's sandboxed frame (mail-frame.ts). */
  app.get<{ Params: { id: string } }>('/messages/:id/frame', { onSend: mailFrameResponse }, async (request, reply) => {
    const { account } = sessionOf(request);
    const query = parseInput(messageFrameQuerySchema, request.query);
    const row = await ownedMessage(db, account.id, idParam(request.params.id));
    const content = readMessageContent(await services.blobs.get(row.blob_hash));
    const { sanitized, remoteImagesAllowed } = await sanitizedBody(row, content, query.remoteImages);
    allowRemoteImagesInFrame(request, remoteImagesAllowed);
    reply.header('content-type', 'text/html; charset=utf-8');
    return reply.send(mailFrameDocument(sanitized?.html ?? '', query.lang));
  });

  app.get<{ Params: { id: string } }>('/messages/:id/raw', { onSend: sandboxPartResponse }, async (request, reply) => {
    const { account } = sessionOf(request);
    const row = await ownedMessage(db, account.id, idParam(request.params.id));
    const raw = await services.blobs.get(row.blob_hash);
    reply.header('content-type', 'message/rfc822');
    reply.header('content-disposition', contentDisposition('inline', `${(row.subject ?? '').trim().slice(0, 100) || `message-${row.id}`}.eml`));
    return reply.send(raw);
  });

  app.get<{ Params: { id: string; part: string }; Querystring: { inline?: string } }>('/messages/:id/parts/:part', { onSend: sandboxPartResponse }, async (request, reply) => {
    const { account } = sessionOf(request);
    const row = await ownedMessage(db, account.id, idParam(request.params.id));
    const raw = await services.blobs.get(row.blob_hash);
    const found = findContentPart(raw, request.params.part);
    if (!found) throw new ApiError('not_found');
    const type = contentTypeOf(found.part);
    const inline = request.query.inline === '1' && INLINE_TYPES.test(type);
    // A download is bytes to save, whatever type the sender gave them.
    reply.header('content-type', inline ? type : 'application/octet-stream');
    reply.header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', filenameOf(found.part)));
    return reply.send(decodePartBody(raw, found.part));
  });

  app.patch<{ Params: { id: string } }>('/messages/:id', async (request): Promise<MessageSummary> => {
    const { account } = sessionOf(request);
    const row = await ownedMessage(db, account.id, idParam(request.params.id));
    const input = parseInput(updateFlagsSchema, request.body);
    if (input.seen !== undefined && input.seen !== (row.seen === 1)) await setFlag(services, row, '\\Seen', input.seen);
    if (input.flagged !== undefined && input.flagged !== (row.flagged === 1)) await setFlag(services, row, '\\Flagged', input.flagged);
    return summary(account.id, row.id);
  });

  app.post('/messages/move', async (request): Promise<{ moved: number }> => {
    const { account } = sessionOf(request);
    const input = parseInput(moveMessagesSchema, request.body);
    const rows = await ownedMessages(db, account.id, input.ids.map(idParam));
    const target = await ownedMailbox(db, account.id, idParam(input.mailboxId));
    let moved = 0;
    for (const [sourceId, group] of groupByMailbox(rows)) {
      if (sourceId === target.id) continue;
      const { value } = await mail.moveMessages(account.id, sourceId, uidRangesOf(group.map((r) => Number(r.uid))), target.id);
      moved += value.mapping.length;
    }
    return { moved };
  });

  app.post('/messages/delete', async (request): Promise<{ deleted: number }> => {
    const { account } = sessionOf(request);
    const input = parseInput(deleteMessagesSchema, request.body);
    const rows = await ownedMessages(db, account.id, input.ids.map(idParam));
    const trash = await mail.findSpecialUse(account.id, '\\Trash');
    let deleted = 0;
    for (const [sourceId, group] of groupByMailbox(rows)) {
      const uids = uidRangesOf(group.map((r) => Number(r.uid)));
      if (input.permanent || !trash || group[0]!.special_use === '\\Trash') {
        // RFC 3501 §6.4.3: flag \Deleted, then expunge exactly these (UID EXPUNGE, RFC 4315).
        await mail.storeFlags({ accountId: account.id, mailboxId: sourceId, uids, flags: ['\\Deleted'], mode: 'add' });
        const { value } = await mail.expunge(account.id, sourceId, uids);
        deleted += value.length;
      } else {
        const { value } = await mail.moveMessages(account.id, sourceId, uids, trash.id);
        deleted += value.mapping.length;
      }
    }
    return { deleted };
  });
}
