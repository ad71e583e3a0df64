/**
 * Administering and deactivating accounts (SPEC Art. 3.6): one row per deactivation with its
 * handover (successor, forwarding period, export, completion, purge), the waivers of handover
 * items by the department admin, and the record of each mailbox export.
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
    .createTable('account_deactivations')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_account_id', 'integer')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('successor_account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('forward_days', 'integer')
    .addColumn('forward_until', big)
    .addColumn('completed_by', 'text')
    .addColumn('completed_at', big)
    .addColumn('purge_after', big)
    .addColumn('purged_at', big)
    .addColumn('cancelled_at', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_deactivations_account').on('account_deactivations').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('account_deactivations_state').on('account_deactivations').columns(['state', 'purge_after']).execute();

  await db.schema
    .createTable('handover_waivers')
    .addColumn('deactivation_id', 'integer', (c) => c.notNull().references('account_deactivations.id').onDelete('cascade'))
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('waived_by', 'text', (c) => c.notNull())
    .addColumn('waived_by_account_id', 'integer')
    .addColumn('waived_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('handover_waivers_pk', ['deactivation_id', 'item'])
    .execute();

  await db.schema
    .createTable('mailbox_exports')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('messages', 'integer', (c) => c.notNull())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('downloaded_at', big)
    .addColumn('deleted_at', big)
    .execute();
  await db.schema.createIndex('mailbox_exports_account').on('mailbox_exports').columns(['account_id', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('mailbox_exports').ifExists().execute();
  await db.schema.dropTable('handover_waivers').ifExists().execute();
  await db.schema.dropTable('account_deactivations').ifExists().execute();
}
