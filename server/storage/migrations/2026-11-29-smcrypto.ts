/**
 * Key directory for 工作秘密 end-to-end mail (SPEC 3.2; NAME=smcrypto): per account the SM2
 * public key and two protected copies of the private key (under the 加密口令 and under the
 * recovery code; JSON blobs the server cannot open). A replaced key stays, flagged retired, so
 * older mail still verifies; at most one row per account has retired_at NULL.
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
    .createTable('sm_keys')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('passphrase_blob', 'text', (c) => c.notNull())
    .addColumn('recovery_blob', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('retired_at', big)
    .execute();
  await db.schema.createIndex('sm_keys_account').on('sm_keys').columns(['account_id', 'retired_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('sm_keys').ifExists().execute();
}
