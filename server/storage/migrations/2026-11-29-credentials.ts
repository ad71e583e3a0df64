/**
 * Passwords and sign-in (SPEC Art. 4.1; NAME=credentials): password history (no reuse of the
 * last N), expiry reminders sent (once per threshold per password), TOTP secrets and recovery
 * codes, app passwords for mail clients, devices seen at sign-in (new-device alert), and the
 * one-time password reset links administrators send.
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
    .createTable('password_history')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('password_history_account').on('password_history').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('password_reminders')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('days_before', 'integer', (c) => c.notNull())
    .addColumn('password_changed_at', big, (c) => c.notNull())
    .addColumn('sent_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('password_reminders_pk', ['account_id', 'days_before', 'password_changed_at'])
    .execute();

  await db.schema
    .createTable('account_totp')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled_at', big)
    .addColumn('last_used_step', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recovery_codes_account').on('recovery_codes').columns(['account_id']).execute();

  await db.schema
    .createTable('app_passwords')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_used_at', big)
    .addColumn('last_used_protocol', 'text')
    .addColumn('last_used_ip', 'text')
    .addColumn('revoked_at', big)
    .execute();
  await db.schema.createIndex('app_passwords_account').on('app_passwords').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('known_devices')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', big, (c) => c.notNull())
    .addColumn('last_seen_at', big, (c) => c.notNull())
    .addUniqueConstraint('known_devices_unique', ['account_id', 'ip', 'client'])
    .execute();

  await db.schema
    .createTable('password_reset_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('used_at', big)
    .addColumn('revoked_at', big)
    .execute();
  await db.schema.createIndex('password_reset_tokens_account').on('password_reset_tokens').columns(['account_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['password_reset_tokens', 'known_devices', 'app_passwords', 'recovery_codes', 'account_totp', 'password_reminders', 'password_history']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
