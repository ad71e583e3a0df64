/**
 * The outbound side of issue 6 (SPEC Art. 3.1, 3.2): security events recorded by content
 * inspection, per-unit content rules, the review queue of held messages, DKIM keys per domain,
 * and the columns the queue sender needs to claim rows with a lease (several nodes may run it).
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

  // Read by the incidents console: what happened, to whom, about which message, when.
  await db.schema
    .createTable('security_events')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('account', 'text')
    .addColumn('message_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('security_events_at').on('security_events').columns(['at']).execute();
  await db.schema.createIndex('security_events_kind').on('security_events').columns(['kind', 'at']).execute();

  // unit_id null: applies to every unit (only the security officer sets those).
  await db.schema
    .createTable('content_rules')
    .addColumn('id', 'integer', id)
    .addColumn('unit_id', 'integer', (c) => c.references('units.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('pattern', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('content_rules_unit').on('content_rules').columns(['unit_id']).execute();

  // A held message keeps one blob reference until it is released (delivered) or rejected.
  await db.schema
    .createTable('outbound_holds')
    .addColumn('id', 'integer', id)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('envelope_from', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('blob_hash', 'text', (c) => c.notNull().references('blobs.hash'))
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('submitted_by', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('sender_unit_id', 'integer', (c) => c.references('units.id').onDelete('set null'))
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('remote_ip', 'text')
    .addColumn('message_id', 'text')
    .addColumn('subject', 'text')
    .addColumn('findings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('decided_by', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('decided_at', big)
    .addColumn('decision_reason', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbound_holds_status').on('outbound_holds').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('dkim_keys')
    .addColumn('id', 'integer', id)
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('private_key_pem', 'text', (c) => c.notNull())
    .addColumn('public_key_b64', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', big, (c) => c.notNull())
    .addUniqueConstraint('dkim_keys_domain_selector', ['domain', 'selector'])
    .execute();

  // The queue sender claims rows by setting a lease; an expired lease (a node died) is claimed again.
  await db.schema.alterTable('outbound_queue').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('outbound_queue').addColumn('lease_until', big).execute();
  await db.schema.alterTable('outbound_queue').addColumn('last_attempt_at', big).execute();
  await db.schema.alterTable('outbound_queue').addColumn('delay_notified_at', big).execute();
  await db.schema.alterTable('outbound_queue').addColumn('finished_at', big).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const column of ['finished_at', 'delay_notified_at', 'last_attempt_at', 'lease_until', 'lease_owner']) {
    await db.schema.alterTable('outbound_queue').dropColumn(column).execute();
  }
  await db.schema.dropTable('dkim_keys').execute();
  await db.schema.dropTable('outbound_holds').execute();
  await db.schema.dropTable('content_rules').execute();
  await db.schema.dropTable('security_events').execute();
}
