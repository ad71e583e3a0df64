/**
 * ID-card numbers are never stored; `account_profiles.id_card_hash` lets bulk import find a
 * person already on file. The ~10^9 valid numbers (region × birth date × sequence, with the
 * check digit) are few enough to enumerate, so an unsalted hash is a lookup table away from the
 * number: the hash is HMAC-SM3 under a server secret kept apart from the database
 * (storage/server-secrets.ts), scheme `hmac-sm3`. Rows from before hold the legacy SHA-256
 * (`sha256`); a lookup tries the current key, then older keys, then the legacy hash, and
 * re-hashes a row it matched other than with the current key (a compare-and-set on the old value).
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sha256Hex } from '../../platform/crypto.js';
import type { Database } from '../../storage/database.js';

export const ID_HASH_SCHEME = 'hmac-sm3';
export const LEGACY_ID_HASH_SCHEME = 'sha256';

export function normaliseIdCard(idCard: string): string {
  return idCard.trim().toUpperCase();
}

/** The unsalted hash of rows from before (kept only to recognise and upgrade them). */
export function legacyIdCardHash(idCard: string): string {
  return sha256Hex(`govmail-id-card:${normaliseIdCard(idCard)}`);
}

export class IdCardHasher {
  constructor(
    private readonly current: Buffer,
    private readonly older: readonly Buffer[] = [],
  ) {
    if (current.length < 16) throw new Error('ID-card HMAC key too short');
  }

  /** The stored form of a number under the current key. */
  hash(idCard: string): string {
    return hmac(this.current, idCard);
  }

  /** Every stored form the number may have, current first. */
  candidates(idCard: string): { hash: string; current: boolean }[] {
    return [{ hash: this.hash(idCard), current: true }, ...this.older.map((k) => ({ hash: hmac(k, idCard), current: false })), { hash: legacyIdCardHash(idCard), current: false }];
  }

  /**
   * The account whose profile holds this number, or null. A row that matched under an older key
   * or the legacy hash is upgraded to the current HMAC.
   */
  async findAccount(db: Kysely<Database>, idCard: string): Promise<number | null> {
    const candidates = this.candidates(idCard);
    const rows = await db
      .selectFrom('account_profiles')
      .select(['account_id', 'id_card_hash'])
      .where(
        'id_card_hash',
        'in',
        candidates.map((c) => c.hash),
      )
      .orderBy('account_id')
      .execute();
    if (rows.length === 0) return null;
    const currentHash = candidates[0]!.hash;
    for (const row of rows) {
      if (row.id_card_hash === currentHash) continue;
      await db
        .updateTable('account_profiles')
        .set({ id_card_hash: currentHash, id_card_hash_scheme: ID_HASH_SCHEME })
        .where('account_id', '=', row.account_id)
        .where('id_card_hash', '=', row.id_card_hash)
        .execute();
    }
    return rows[0]!.account_id;
  }
}

function hmac(key: Buffer, idCard: string): string {
  return createHmac('sm3', key).update(`govmail-id-card:${normaliseIdCard(idCard)}`).digest('hex');
}
