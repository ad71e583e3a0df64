/**
 * Resolves an envelope recipient to the accounts that receive it: an account, an alias of one,
 * or a distribution list (explicit members plus a unit's people, optionally with sub-units).
 * Only active (or handover) accounts receive mail; a list never delivers twice to one person.
 *
 * A deactivated address (SPEC Art. 3.6) resolves to its successor while the handover window is
 * open (`via: 'handover'`), and is refused afterwards (`inactive-local`: SMTP answers 550 5.1.1
 * naming the unit's contact). Lists never expand to a deactivated member.
 */
import type { Kysely } from 'kysely';
import { handoverTarget } from '../governance/accounts/deactivation.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { Database } from '../storage/database.js';

export type Resolution =
  /** `handover`: a deactivated address whose mail goes to its successor; `handoverFrom` is the deactivated account. */
  | { kind: 'local'; accountIds: number[]; via: 'account' | 'alias' | 'list' | 'handover'; handoverFrom?: number }
  | { kind: 'unknown-local' }
  | { kind: 'inactive-local'; state: string }
  | { kind: 'remote'; domain: string };

const RECEIVING_STATES = new Set(['active', 'locked', 'deactivating']);

export class RecipientResolver {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly localDomains: readonly string[],
    private readonly clock: Clock = systemClock,
  ) {}

  /** An account that does not receive: its successor during a handover window, else refused. */
  private async notReceiving(account: { id: number; state: string }): Promise<Resolution> {
    if (account.state === 'deactivated') {
      const successor = await handoverTarget(this.db, account.id, this.clock.now());
      if (successor !== null) return { kind: 'local', accountIds: [successor], via: 'handover', handoverFrom: account.id };
    }
    return { kind: 'inactive-local', state: account.state };
  }

  isLocal(address: string): boolean {
    const domain = address.split('@').pop()?.toLowerCase() ?? '';
    return this.localDomains.includes(domain);
  }

  async resolve(rawAddress: string): Promise<Resolution> {
    const address = rawAddress.trim().toLowerCase();
    const domain = address.split('@').pop() ?? '';
    if (!this.isLocal(address)) return { kind: 'remote', domain };

    const account = await this.db.selectFrom('accounts').select(['id', 'state']).where('address', '=', address).executeTakeFirst();
    if (account) {
      return RECEIVING_STATES.has(account.state) ? { kind: 'local', accountIds: [account.id], via: 'account' } : this.notReceiving(account);
    }
    const alias = await this.db
      .selectFrom('aliases')
      .innerJoin('accounts', 'accounts.id', 'aliases.account_id')
      .select(['accounts.id', 'accounts.state'])
      .where('aliases.address', '=', address)
      .executeTakeFirst();
    if (alias) {
      return RECEIVING_STATES.has(alias.state) ? { kind: 'local', accountIds: [alias.id], via: 'alias' } : this.notReceiving(alias);
    }
    const list = await this.db.selectFrom('distribution_lists').selectAll().where('address', '=', address).executeTakeFirst();
    if (list) {
      const ids = new Set<number>();
      const explicit = await this.db
        .selectFrom('list_members')
        .innerJoin('accounts', 'accounts.id', 'list_members.account_id')
        .select(['accounts.id', 'accounts.state'])
        .where('list_members.list_id', '=', list.id)
        .execute();
      for (const m of explicit) if (RECEIVING_STATES.has(m.state)) ids.add(m.id);
      if (list.unit_id !== null) {
        const unitIds = list.include_sub_units ? await this.subtree(list.unit_id) : [list.unit_id];
        const members = await this.db.selectFrom('accounts').select(['id', 'state']).where('unit_id', 'in', unitIds).execute();
        for (const m of members) if (RECEIVING_STATES.has(m.state)) ids.add(m.id);
      }
      return { kind: 'local', accountIds: [...ids].sort((a, b) => a - b), via: 'list' };
    }
    // RFC 5321 §4.5.1: postmaster must be accepted; without an alias it reaches the department admins.
    if (address.split('@')[0] === 'postmaster') {
      const admins = await this.db.selectFrom('accounts').select(['id', 'roles', 'state']).where('roles', 'like', '%dept_admin%').execute();
      const ids = admins.filter((a) => RECEIVING_STATES.has(a.state)).map((a) => a.id);
      if (ids.length > 0) return { kind: 'local', accountIds: ids, via: 'alias' };
    }
    return { kind: 'unknown-local' };
  }

  private async subtree(unitId: number): Promise<number[]> {
    const all = await this.db.selectFrom('units').select(['id', 'parent_id']).execute();
    const out = [unitId];
    for (let i = 0; i < out.length; i++) for (const u of all) if (u.parent_id === out[i]) out.push(u.id);
    return out;
  }

  /** Addresses an account may use as its From: its own and aliases marked send-as. */
  async sendableAddresses(accountId: number): Promise<string[]> {
    const account = await this.db.selectFrom('accounts').select('address').where('id', '=', accountId).executeTakeFirst();
    const aliases = await this.db.selectFrom('aliases').select('address').where('account_id', '=', accountId).where('can_send_as', '=', 1).execute();
    return [...(account ? [account.address] : []), ...aliases.map((a) => a.address)];
  }
}
