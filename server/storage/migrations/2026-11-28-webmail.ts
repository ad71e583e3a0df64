/**
 * The webmail: indexes for its message list, tracking of important mail (SPEC Art. 3.4), the
 * per-account webmail settings and the senders whose remote images a reader allows.
 * Frozen: never edit after release, add a new dated migration instead. Imports nothing of the
 * application (Kysely migration rule); plain SQL only where the schema builder cannot say it
 * (an index on an expression), written so SQLite and PostgreSQL both accept it.
 *
 * Message list indexes: the list pages through one mailbox in the order the reader chose
 * (date, sender, subject, size), 100 rows at a time, in folders of 100k messages. Each order has
 * an index that starts with `mailbox_id` and then holds the sort key, so the page's ids are read
 * from the index in order (no sort of the whole folder); the row id, which SQLite keeps at the
 * end of every index, breaks ties. Date uses `messages_mailbox_date` (mailbox_id, internal_date)
 * of the initial migration. The sender key is the display name, or the address without one —
 * the routes order by exactly this expression, so the planner can match it to the index.
 * `(mailbox_id, seen)` answers the unread count of a folder without reading its rows.
 */
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (col: ColumnDefinitionBuilder) =>
    isPostgres ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  const big = isPostgres ? 'bigint' : 'integer';

  await db.schema.createIndex('messages_mailbox_seen').on('messages').columns(['mailbox_id', 'seen']).execute();
  await db.schema.createIndex('messages_mailbox_subject').on('messages').columns(['mailbox_id', 'subject']).execute();
  await db.schema.createIndex('messages_mailbox_size').on('messages').columns(['mailbox_id', 'size']).execute();
  await sql`CREATE INDEX messages_mailbox_sender ON messages (mailbox_id, coalesce(from_name, from_address, ''))`.execute(db);

  // One row per (Message-ID, recipient account): a recipient who holds two copies (moved,
  // copied, delivered twice through two lists) confirms once.
  await db.schema
    .createTable('important_receipts')
    .addColumn('id', 'integer', id)
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('sender_account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('recipient_account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('deadline', big)
    .addColumn('delivered_at', big)
    .addColumn('first_opened_at', big)
    .addColumn('read_confirmed_at', big)
    .addColumn('done_at', big)
    .addColumn('replied_at', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .addUniqueConstraint('important_receipts_message_recipient', ['message_id', 'recipient_account_id'])
    .execute();
  await db.schema.createIndex('important_receipts_sender').on('important_receipts').columns(['sender_account_id', 'message_id']).execute();
  await db.schema.createIndex('important_receipts_recipient').on('important_receipts').columns(['recipient_account_id', 'deadline']).execute();

  await db.schema
    .createTable('webmail_settings')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('signature_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('zh-CN'))
    .addColumn('auto_reply_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auto_reply_subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('auto_reply_body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('auto_reply_from', 'text')
    .addColumn('auto_reply_until', 'text')
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('remote_image_senders')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('remote_image_senders_pk', ['account_id', 'sender'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('remote_image_senders').ifExists().execute();
  await db.schema.dropTable('webmail_settings').ifExists().execute();
  await db.schema.dropTable('important_receipts').ifExists().execute();
  await db.schema.dropIndex('messages_mailbox_sender').ifExists().execute();
  await db.schema.dropIndex('messages_mailbox_size').ifExists().execute();
  await db.schema.dropIndex('messages_mailbox_subject').ifExists().execute();
  await db.schema.dropIndex('messages_mailbox_seen').ifExists().execute();
}
