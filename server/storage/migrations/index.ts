/** The ordered list of migrations. Names are dated; files are frozen once released. */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-28-initial.js';
import * as searchIndex from './2026-11-28-search-index.js';
import * as imapRecent from './2026-11-28-state-imap-recent.js';
import * as webmail from './2026-11-28-webmail.js';
import * as autoReply from './2026-11-29-auto-reply.js';
import * as credentials from './2026-11-29-credentials.js';
import * as deactivation from './2026-11-29-deactivation.js';
import * as inbound from './2026-11-29-inbound.js';
import * as incidents from './2026-11-29-incidents.js';
import * as onboarding from './2026-11-29-onboarding.js';
import * as outbound from './2026-11-29-outbound.js';
import * as smcrypto from './2026-11-29-smcrypto.js';
import * as hardening from './2026-11-30-hardening.js';

const migrations: Record<string, Migration> = {
  '2026-11-28-initial': initial,
  '2026-11-28-search-index': searchIndex,
  '2026-11-28-state-imap-recent': imapRecent,
  '2026-11-28-webmail': webmail,
  '2026-11-29-auto-reply': autoReply,
  '2026-11-29-credentials': credentials,
  '2026-11-29-deactivation': deactivation,
  '2026-11-29-inbound': inbound,
  '2026-11-29-incidents': incidents,
  '2026-11-29-onboarding': onboarding,
  '2026-11-29-outbound': outbound,
  '2026-11-29-smcrypto': smcrypto,
  '2026-11-30-hardening': hardening,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
