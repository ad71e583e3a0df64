/**
 * Important mail (SPEC Art. 3.4, 重要邮件·需回复确认): the per-recipient receipts of a message
 * sent with `X-Govmail-Importance: confirm`. One row per (Message-ID, recipient account) records
 * when it was delivered, first opened, confirmed as read (已阅), confirmed as done (已办) and
 * replied to — separate states, each kept with its first time, never overwritten.
 *
 * Callers: delivery (delivered), the webmail's message view and later IMAP FETCH (opened), the
 * webmail's confirm endpoint (read/done; the route audits it), and sending a reply (replied).
 * The sender sees the rows through `receiptsOfSender`, and only for mail they submitted
 * themselves (`sender_account_id`): a recipient holding a copy of the same Message-ID sees
 * only their own receipt.
 *
 * Not yet: the SM2-signed, timestamped receipt the SPEC asks for, reminders before the
 * deadline and escalation after it (later issues build on these rows).
 */
import type { Kysely } from 'kysely';
import type { Database, ImportantReceipt } from '../../storage/database.js';
import type { MessageFields } from '../../mail/message-fields.js';

type Db = Kysely<Database>;

export type ConfirmKind = 'read' | 'done';

/** How far into a message the header search for `X-Govmail-Deadline` reads. */
const HEADER_SCAN_BYTES = 256 * 1024;

/** The sender's deadline (`X-Govmail-Deadline`, ISO 8601) from the message header, or null. */
export function deadlineOf(raw: Buffer): number | null {
  const head = raw.subarray(0, Math.min(raw.length, HEADER_SCAN_BYTES)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const value = /^X-Govmail-Deadline:[ \t]*(.+)$/im.exec(block)?.[1]?.trim();
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
}

/**
 * Delivery hook: records `delivered_at` for each local recipient of important mail. A no-op for
 * other mail and for mail without a Message-ID (nothing to key the receipts on).
 */
export async function recordImportantDelivery(
  db: Db,
  delivery: { raw: Buffer; fields: Pick<MessageFields, 'importance' | 'messageId'>; senderAccountId: number | null; recipientAccountIds: readonly number[]; at: number },
): Promise<void> {
  const { fields, at } = delivery;
  if (fields.importance !== 'confirm' || !fields.messageId || delivery.recipientAccountIds.length === 0) return;
  const deadline = deadlineOf(delivery.raw);
  for (const recipient of new Set(delivery.recipientAccountIds)) {
    await db
      .insertInto('important_receipts')
      .values({ message_id: fields.messageId, sender_account_id: delivery.senderAccountId, recipient_account_id: recipient, deadline, delivered_at: at, created_at: at })
      // The first delivery wins (a second copy through another list changes nothing); a row
      // made when the recipient opened older mail gets its delivered time here.
      .onConflict((oc) => oc.columns(['message_id', 'recipient_account_id']).doUpdateSet((eb) => ({ delivered_at: eb.fn.coalesce('important_receipts.delivered_at', eb.ref('excluded.delivered_at')) })))
      .execute();
  }
}

/** The recipient's receipt for a Message-ID, if there is one. */
export async function receiptFor(db: Db, recipientAccountId: number, messageId: string): Promise<ImportantReceipt | undefined> {
  return db.selectFrom('important_receipts').selectAll().where('message_id', '=', messageId).where('recipient_account_id', '=', recipientAccountId).executeTakeFirst();
}

/**
 * The receipt of a recipient, created if missing: important mail that reached the mailbox
 * another way (IMAP APPEND, before tracking existed) still gets its banner and buttons. Such a
 * row has no sender: nobody can list it, since anyone could have written that Message-ID.
 */
export async function ensureReceipt(db: Db, recipientAccountId: number, messageId: string, deadline: number | null, at: number): Promise<ImportantReceipt> {
  await db
    .insertInto('important_receipts')
    .values({ message_id: messageId, sender_account_id: null, recipient_account_id: recipientAccountId, deadline, delivered_at: null, created_at: at })
    .onConflict((oc) => oc.columns(['message_id', 'recipient_account_id']).doNothing())
    .execute();
  return (await receiptFor(db, recipientAccountId, messageId))!;
}

type StampColumn = 'first_opened_at' | 'read_confirmed_at' | 'done_at' | 'replied_at';

/** Sets one time of a receipt unless it is set already; returns whether it changed. */
async function stamp(db: Db, recipientAccountId: number, messageId: string, column: StampColumn, at: number): Promise<boolean> {
  const result = await db
    .updateTable('important_receipts')
    .set({ [column]: at })
    .where('message_id', '=', messageId)
    .where('recipient_account_id', '=', recipientAccountId)
    .where(column, 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The recipient opened the message (webmail view; IMAP FETCH of the body later). */
export function markOpened(db: Db, recipientAccountId: number, messageId: string, at: number): Promise<boolean> {
  return stamp(db, recipientAccountId, messageId, 'first_opened_at', at);
}

/** 已阅 / 已办. Returns whether this confirmation is new (a repeat keeps the first time). */
export function confirmReceipt(db: Db, recipientAccountId: number, messageId: string, kind: ConfirmKind, at: number): Promise<boolean> {
  return stamp(db, recipientAccountId, messageId, kind === 'read' ? 'read_confirmed_at' : 'done_at', at);
}

/** The recipient sent a reply to it. */
export function markReplied(db: Db, recipientAccountId: number, messageId: string, at: number): Promise<boolean> {
  return stamp(db, recipientAccountId, messageId, 'replied_at', at);
}

export interface SenderReceiptRow extends ImportantReceipt {
  recipient_address: string;
  recipient_name: string;
}

/** Every recipient's receipt of a message the account submitted, in recipient address order. */
export async function receiptsOfSender(db: Db, senderAccountId: number, messageId: string): Promise<SenderReceiptRow[]> {
  return db
    .selectFrom('important_receipts')
    .innerJoin('accounts', 'accounts.id', 'important_receipts.recipient_account_id')
    .selectAll('important_receipts')
    .select(['accounts.address as recipient_address', 'accounts.display_name as recipient_name'])
    .where('important_receipts.sender_account_id', '=', senderAccountId)
    .where('important_receipts.message_id', '=', messageId)
    .orderBy('accounts.address')
    .execute();
}
