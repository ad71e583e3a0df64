/**
 * Lookups of the session account's own mailboxes and messages. Every id a client sends is
 * checked in the same SQL statement that reads it (`mailboxes.account_id = <session account>`),
 * and anything not found — no such id, or someone else's — is the same `not_found`: ids cannot
 * be probed, and no route can forget the check by reading first and checking later.
 */
import { ApiError } from '../../../common/errors.js';
import type { Db } from '../../storage/connect.js';
import type { Mailbox, MessageRow } from '../../storage/database.js';

export type OwnedMessage = MessageRow & { mailbox_name: string; special_use: string | null; account_id: number };

/** A path or body id: a positive integer, else not found (never a 400 that tells ids apart). */
export function idParam(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  if (!/^[1-9]\d{0,14}$/.test(text)) throw new ApiError('not_found');
  return Number(text);
}

export async function ownedMailbox(db: Db, accountId: number, mailboxId: number): Promise<Mailbox> {
  const mailbox = await db.selectFrom('mailboxes').selectAll().where('id', '=', mailboxId).where('account_id', '=', accountId).executeTakeFirst();
  if (!mailbox) throw new ApiError('not_found');
  return mailbox;
}

function ownedQuery(db: Db, accountId: number) {
  return db
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .selectAll('messages')
    .select(['mailboxes.name as mailbox_name', 'mailboxes.special_use', 'mailboxes.account_id'])
    .where('mailboxes.account_id', '=', accountId);
}

export async function ownedMessage(db: Db, accountId: number, messageId: number): Promise<OwnedMessage> {
  const row = await ownedQuery(db, accountId).where('messages.id', '=', messageId).executeTakeFirst();
  if (!row) throw new ApiError('not_found');
  return row;
}

/** All of `ids`, or not_found when any one is missing or not the account's. */
export async function ownedMessages(db: Db, accountId: number, ids: readonly number[]): Promise<OwnedMessage[]> {
  const unique = [...new Set(ids)];
  const rows = unique.length === 0 ? [] : await ownedQuery(db, accountId).where('messages.id', 'in', unique).execute();
  if (rows.length !== unique.length) throw new ApiError('not_found');
  return rows;
}
