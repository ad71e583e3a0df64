/**
 * Read-side queries over a mailbox that protocols need in bulk: streaming message rows in UID
 * order in batches (FETCH over 100k messages never loads them all), counts for SELECT/STATUS.
 */
import type { Kysely } from 'kysely';
import type { Database, MessageRow } from '../storage/database.js';
import { uidInRanges, type UidRange } from './uid-ranges.js';

/** What a protocol needs to answer FLAGS, UID, sizes, dates and to read the body. */
export const MESSAGE_VIEW_COLUMNS = ['id', 'uid', 'modseq', 'seen', 'answered', 'flagged', 'deleted', 'draft', 'keywords', 'internal_date', 'size', 'blob_hash'] as const;
/** The view plus the stored header fields SEARCH matches without opening the message. */
export const MESSAGE_SEARCH_COLUMNS = [...MESSAGE_VIEW_COLUMNS, 'subject', 'from_name', 'from_address', 'to_json', 'cc_json', 'sent_date'] as const;

type MessageColumn = keyof MessageRow & string;
export type MessageViewRow = Pick<MessageRow, (typeof MESSAGE_VIEW_COLUMNS)[number]>;

/**
 * The messages of a mailbox within UID ranges, ascending, in batches (a 100k-message FETCH never
 * holds the mailbox in memory). Only the named columns are read: the wide list-view fields
 * (preview, references, attachment names) would triple the bytes SQLite copies per row.
 */
export async function* iterateMessages<C extends MessageColumn>(
  db: Kysely<Database>,
  mailboxId: number,
  ranges: readonly UidRange[],
  columns: readonly C[],
  batchSize = 500,
): AsyncGenerator<Pick<MessageRow, C | 'uid'>> {
  let after = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('messages')
      .select([...new Set<MessageColumn>([...columns, 'uid'])])
      .where('mailbox_id', '=', mailboxId)
      .where('uid', '>', after)
      .where(uidInRanges(ranges))
      .orderBy('uid')
      .limit(batchSize)
      .execute()) as Pick<MessageRow, C | 'uid'>[];
    for (const row of rows) yield row;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.uid;
  }
}

/** All UIDs of a mailbox, ascending (the sequence-number map of a selected mailbox). */
export async function listUids(db: Kysely<Database>, mailboxId: number): Promise<number[]> {
  const rows = await db.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
  return rows.map((r) => Number(r.uid));
}

export interface MailboxCounts {
  messages: number;
  unseen: number;
  /** UID of the first unseen message, for SELECT's [UNSEEN n]. */
  firstUnseenUid: number | null;
  sizeBytes: number;
}

export async function mailboxCounts(db: Kysely<Database>, mailboxId: number): Promise<MailboxCounts> {
  const totals = await db
    .selectFrom('messages')
    .select((eb) => [eb.fn.countAll<number>().as('messages'), eb.fn.sum<number>('size').as('size')])
    .where('mailbox_id', '=', mailboxId)
    .executeTakeFirst();
  const unseen = await db
    .selectFrom('messages')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('uid').as('first')])
    .where('mailbox_id', '=', mailboxId)
    .where('seen', '=', 0)
    .executeTakeFirst();
  return {
    messages: Number(totals?.messages ?? 0),
    sizeBytes: Number(totals?.size ?? 0),
    unseen: Number(unseen?.n ?? 0),
    firstUnseenUid: unseen?.first === null || unseen?.first === undefined ? null : Number(unseen.first),
  };
}
