/**
 * The SQLite dialect: the only place that knows govmail runs on SQLite.
 * WAL so readers never block the writer; synchronous=FULL because an SMTP `250` or an IMAP
 * APPEND `OK` promises the message survives a power cut (SPEC §2), and WAL's default NORMAL
 * may lose the last transactions on power loss; foreign keys on (off by default in SQLite).
 */
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database.js';

export interface SqliteOptions {
  file: string;
  busyTimeoutMs: number;
}

export function createSqliteDatabase(options: SqliteOptions): Kysely<Database> {
  const native = new SqliteDatabase(options.file);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = FULL');
  native.pragma('foreign_keys = ON');
  native.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: native }) });
}
