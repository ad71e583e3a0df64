/**
 * Hardening (issues 5–6; NAME=hardening): the scheme of each stored ID-card hash. Rows from before
 * hold an unsalted SHA-256 (`sha256`), which a dictionary of the ~10^9 valid numbers reverses;
 * new rows hold HMAC-SM3 under a server secret kept apart from the database (`hmac-sm3`). A
 * migration cannot recompute the old rows (the numbers are not stored), so they are marked here
 * and upgraded the first time a number matches them (governance/accounts/id-card-hash.ts).
 * Dated the 30th so that it sorts after the 29th's migrations that create the tables it alters.
 * Frozen: never edit after release, add a new dated migration instead.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('account_profiles').addColumn('id_card_hash_scheme', 'text').execute();
  await db.updateTable('account_profiles').set({ id_card_hash_scheme: 'sha256' }).where('id_card_hash', 'is not', null).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('account_profiles').dropColumn('id_card_hash_scheme').execute();
}
