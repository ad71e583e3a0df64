/**
 * Full-text search index, keyed by blob (content), not by message row: the same notice in 100
 * mailboxes is one document. Frozen: never edit after release, add a new dated migration instead.
 * Imports nothing of the application (Kysely migration rule): the SQLite DDL below is a copy, as
 * of this date, of what storage/dialects/sqlite-search.ts documents and queries.
 *
 * `search_documents` is portable. Its `blob_hash` references `blobs` without a cascade on
 * purpose: a blob row cannot be deleted while its document exists, so code that frees a blob
 * must also drop its index entry (mail/search/search-index.ts `removeBlob`), which no cascade
 * could do for the FTS table. `tokenizer_version` records which tokenisation produced the entry,
 * so a later change can re-index only what is stale.
 *
 * The token index itself is dialect-specific. SQLite: the FTS5 table below (options explained in
 * dialects/sqlite-search.ts). PostgreSQL: not created here — PostgreSQL is not yet a supported
 * dialect (storage/connect.ts refuses it), and an untested DDL must not be frozen; the migration
 * that wires PostgreSQL adds the tsvector table sketched in dialects/postgres-search.ts.
 */
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (col: ColumnDefinitionBuilder) =>
    isPostgres ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();

  await db.schema
    .createTable('search_documents')
    .addColumn('id', 'integer', id)
    .addColumn('blob_hash', 'text', (c) => c.notNull().unique().references('blobs.hash'))
    .addColumn('tokenizer_version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('search_documents_version').on('search_documents').column('tokenizer_version').execute();

  if (!isPostgres) {
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(
      subject, from_addr, to_addr, cc_addr, body, attachments,
      tokenize = "ascii tokenchars '.-_+'",
      detail = column,
      content = '',
      contentless_delete = 1
    )`.execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) await sql`DROP TABLE IF EXISTS search_fts`.execute(db);
  await db.schema.dropTable('search_documents').ifExists().execute();
}
