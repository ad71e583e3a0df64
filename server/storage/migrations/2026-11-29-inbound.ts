/**
 * The inbound side of issue 6 (SPEC Art. 4.2): what the inbound pipeline found about each
 * delivered message (keyed by blob: every copy of one delivery shares it), and the quarantine
 * of held messages. Frozen: never edit after release, add a new dated migration instead.
 * Imports nothing of the application; portable schema-builder calls only.
 */
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (col: ColumnDefinitionBuilder) =>
    isPostgres ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
  const big = isPostgres ? 'bigint' : 'integer';

  await db.schema
    .createTable('inbound_results')
    .addColumn('blob_hash', 'text', (c) => c.primaryKey())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('external', 'integer', (c) => c.notNull())
    .addColumn('sender_domain', 'text')
    .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('findings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('spf', 'text')
    .addColumn('dkim', 'text')
    .addColumn('dmarc', 'text')
    .addColumn('auth_results', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  // First contact (phishing rule): has mail from this domain been received before?
  await db.schema.createIndex('inbound_results_sender_domain').on('inbound_results').columns(['sender_domain']).execute();

  // blob_hash holds one blob reference while the message is held; null once released or deleted.
  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'integer', id)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('envelope_from', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('blob_hash', 'text')
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('remote_ip', 'text')
    .addColumn('from_address', 'text')
    .addColumn('from_name', 'text')
    .addColumn('subject', 'text')
    .addColumn('message_id', 'text')
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('auth_results', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('decided_at', big)
    .addColumn('decided_by', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema.createIndex('quarantine_status').on('quarantine').columns(['status', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('quarantine').execute();
  await db.schema.dropTable('inbound_results').execute();
}
