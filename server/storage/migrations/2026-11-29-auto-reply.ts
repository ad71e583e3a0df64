/**
 * Out-of-office replies (webmail settings): who was answered when, so each sender gets one
 * reply per absence (RFC 3834 §2: at most one response per sender in a period).
 * Frozen: never edit after release, add a new dated migration instead.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('auto_reply_log')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('auto_reply_log_pk', ['account_id', 'sender'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('auto_reply_log').execute();
}
