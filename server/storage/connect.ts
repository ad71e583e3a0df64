/**
 * Opens the database named by the configuration and brings its schema up to date.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import type { GovmailConfig } from '../config/schema.js';
import type { Database } from './database.js';
import { createSqliteDatabase } from './dialects/sqlite.js';
import { migrationProvider } from './migrations/index.js';

export type Db = Kysely<Database>;

export async function openDatabase(config: Pick<GovmailConfig, 'dataDir' | 'database'>): Promise<Db> {
  if (config.database.dialect !== 'sqlite') {
    throw new Error('database.dialect=postgres is not available in this release (planned: the scale-out issue)');
  }
  mkdirSync(config.dataDir, { recursive: true });
  const db = createSqliteDatabase({
    file: path.resolve(config.dataDir, config.database.sqliteFile),
    busyTimeoutMs: config.database.busyTimeoutMs,
  });
  await migrate(db);
  return db;
}

export async function migrate(db: Db): Promise<void> {
  // Several features land migrations dated the same day in any order; each is independent of
  // the others of its day, so one added later with an earlier name still runs.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
