/**
 * IMAP \Recent (RFC 3501 §2.3.2): a message is recent in exactly one session — the first that
 * selects its mailbox (or is told of it) after it arrived. `first_recent_uid` is the lowest UID
 * no session has claimed yet; a session claims `[first_recent_uid, uid_next)` atomically.
 * Frozen: imports nothing of the application.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mailboxes').addColumn('first_recent_uid', 'bigint', (c) => c.notNull().defaultTo(1)).execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible; restore a backup instead');
}
