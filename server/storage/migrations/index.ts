/** The ordered list of migrations. Names are dated; files are frozen once released. */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-28-initial.js';

const migrations: Record<string, Migration> = {
  '2026-11-28-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
