/**
 * Security incidents (SPEC Art. 4.3, 10.3): incidents with their life cycle and timeline, the
 * sender blocklist consulted by the MX, and forced password resets ordered from an incident.
 * Frozen: never edit after release, add a new dated migration instead. Imports nothing of the
 * application; portable schema-builder calls only.
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
    .createTable('incidents')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reporter_account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('reporter_address', 'text', (c) => c.notNull())
    .addColumn('owner_account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('subject_account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('message_row_id', 'integer')
    .addColumn('message_id', 'text')
    .addColumn('blob_hash', 'text')
    .addColumn('message_subject', 'text')
    .addColumn('message_from', 'text')
    .addColumn('verdict', 'text')
    .addColumn('state_entered_at', big, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incidents_state').on('incidents').columns(['state', 'id']).execute();
  await db.schema.createIndex('incidents_reporter').on('incidents').columns(['reporter_account_id', 'id']).execute();

  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'integer', id)
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_account_id', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_events_incident').on('incident_events').columns(['incident_id', 'id']).execute();

  await db.schema
    .createTable('sender_blocks')
    .addColumn('id', 'integer', id)
    .addColumn('pattern', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'integer', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('forced_password_resets')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('required_by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('required_at', big, (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('forced_password_resets').ifExists().execute();
  await db.schema.dropTable('sender_blocks').ifExists().execute();
  await db.schema.dropTable('incident_events').ifExists().execute();
  await db.schema.dropTable('incidents').ifExists().execute();
}
