/**
 * The account life cycle, first half (SPEC Art. 2): the state history of every account and
 * application, public applications with their uploaded document, one-time activation links
 * (stored hashed) and the per-account profile that activation checks (work-ID number, mobile,
 * acceptable-use acceptance).
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
    .createTable('account_applications')
    .addColumn('id', 'integer', id)
    .addColumn('tracking_code', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('document_file', 'text')
    .addColumn('document_type', 'text')
    .addColumn('document_name', 'text')
    .addColumn('document_size', 'integer')
    .addColumn('regulation_version', 'text', (c) => c.notNull())
    .addColumn('regulation_accepted_at', big, (c) => c.notNull())
    .addColumn('reviewed_by', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('reviewed_at', big)
    .addColumn('reject_reason', 'text')
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('ip', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_applications_unit_state').on('account_applications').columns(['unit_id', 'state', 'id']).execute();

  await db.schema
    .createTable('account_state_history')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('application_id', 'integer', (c) => c.references('account_applications.id').onDelete('set null'))
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_account_id', 'integer')
    .addColumn('reason', 'text')
    .addColumn('at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_state_history_account').on('account_state_history').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('account_state_history_application').on('account_state_history').columns(['application_id', 'id']).execute();

  await db.schema
    .createTable('activation_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('used_at', big)
    .addColumn('revoked_at', big)
    .execute();
  await db.schema.createIndex('activation_tokens_account').on('activation_tokens').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('account_profiles')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('work_id', 'text')
    .addColumn('mobile', 'text')
    .addColumn('id_card_hash', 'text')
    .addColumn('application_id', 'integer', (c) => c.references('account_applications.id').onDelete('set null'))
    .addColumn('aup_version', 'text')
    .addColumn('aup_accepted_at', big)
    .addColumn('activated_at', big)
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_profiles_id_card').on('account_profiles').column('id_card_hash').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('account_profiles').ifExists().execute();
  await db.schema.dropTable('activation_tokens').ifExists().execute();
  await db.schema.dropTable('account_state_history').ifExists().execute();
  await db.schema.dropTable('account_applications').ifExists().execute();
}
