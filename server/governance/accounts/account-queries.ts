/**
 * Read side of the accounts console: a page of accounts within a set of units (the caller's
 * policy reach), filtered by unit, state and text, and one account with its profile, newest
 * activation link and state history.
 */
import { sql, type Kysely } from 'kysely';
import type { Account, AccountState, Database } from '../../storage/database.js';

export interface AccountListFilter {
  /** Units the viewer may see (policy reach); nothing outside is ever returned. */
  visibleUnitIds: number[];
  /** Narrow to these units (a unit and, usually, its sub-units). */
  unitIds?: number[];
  state?: AccountState;
  /** Pending accounts without a live activation link (expired, revoked or never issued). */
  activationExpired?: { now: number };
  q?: string;
  offset: number;
  limit: number;
}

export async function listAccounts(db: Kysely<Database>, filter: AccountListFilter): Promise<{ total: number; items: (Account & { unit_name: string })[] }> {
  if (filter.visibleUnitIds.length === 0) return { total: 0, items: [] };
  let query = db.selectFrom('accounts').where('accounts.unit_id', 'in', filter.visibleUnitIds);
  if (filter.unitIds) {
    if (filter.unitIds.length === 0) return { total: 0, items: [] };
    query = query.where('accounts.unit_id', 'in', filter.unitIds);
  }
  if (filter.state) query = query.where('accounts.state', '=', filter.state);
  if (filter.activationExpired) {
    const now = filter.activationExpired.now;
    query = query
      .where('accounts.state', '=', 'pending_activation')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('activation_tokens')
              .select('activation_tokens.id')
              .whereRef('activation_tokens.account_id', '=', 'accounts.id')
              .where('activation_tokens.used_at', 'is', null)
              .where('activation_tokens.revoked_at', 'is', null)
              .where('activation_tokens.expires_at', '>', now),
          ),
        ),
      );
  }
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('accounts.address', 'like', sql<string>`${like} escape '\\'`),
        eb('accounts.display_name', 'like', sql<string>`${like} escape '\\'`),
        eb('accounts.pinyin_initials', 'like', sql<string>`${like} escape '\\'`),
      ]),
    );
  }
  const total = Number((await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const items = await query
    .innerJoin('units', 'units.id', 'accounts.unit_id')
    .selectAll('accounts')
    .select('units.name as unit_name')
    .orderBy('accounts.id', 'desc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  return { total, items };
}

export async function accountWithUnit(db: Kysely<Database>, id: number): Promise<(Account & { unit_name: string }) | undefined> {
  return db.selectFrom('accounts').innerJoin('units', 'units.id', 'accounts.unit_id').selectAll('accounts').select('units.name as unit_name').where('accounts.id', '=', id).executeTakeFirst();
}

export async function activationStatus(db: Kysely<Database>, accountId: number, now: number) {
  const row = await db.selectFrom('activation_tokens').selectAll().where('account_id', '=', accountId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  const status = row.used_at !== null ? 'used' : row.revoked_at !== null ? 'revoked' : row.expires_at <= now ? 'expired' : 'live';
  return { issuedAt: row.created_at, expiresAt: row.expires_at, status } as const;
}
