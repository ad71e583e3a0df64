/**
 * IMAP \Recent bookkeeping (RFC 3501 §2.3.2): each message is recent in exactly one session.
 * Claims are compare-and-set updates of `mailboxes.first_recent_uid`, so two sessions (on one
 * node or several) never both see a message as recent.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';

/**
 * Claims every unclaimed UID below `uptoExclusive`. Returns the first UID claimed by this call;
 * UIDs in [result, uptoExclusive) are recent for the caller. Null when nothing was claimed.
 */
export async function claimRecent(db: Kysely<Database>, mailboxId: number, uptoExclusive: number): Promise<number | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await db.selectFrom('mailboxes').select('first_recent_uid').where('id', '=', mailboxId).executeTakeFirst();
    if (!row) return null;
    const first = Number(row.first_recent_uid);
    if (first >= uptoExclusive) return null;
    const updated = await db
      .updateTable('mailboxes')
      .set({ first_recent_uid: uptoExclusive })
      .where('id', '=', mailboxId)
      .where('first_recent_uid', '=', first)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return first;
  }
  return null;
}
