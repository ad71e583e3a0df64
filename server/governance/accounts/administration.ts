/**
 * Administering an account (SPEC Art. 2 account states, Art. 3.6 transfer): lock/unlock,
 * suspend/resume, transfer to another unit, change of quota. One method per action, called by
 * the console's routes and (later) the CLI alike, so the rules live here:
 *
 * - every action is authorised by the policy (`account.lock` covers unlock, `account.suspend`
 *   resume, `account.transfer` both the account and the target unit, `account.change_quota`);
 *   an account the actor may not even view is "not found", so ids cannot be probed;
 * - every action needs a written reason and is audited with who, what and why; state changes go
 *   through the life cycle (`transition()`: history + audit), the rest through `recordEvent` and
 *   an audit row of its own;
 * - lock and suspend end the person's web sessions at once, and open IMAP/POP3 sessions through
 *   an `account-disabled` change on the feed; AuthService refuses their next sign-in on every
 *   protocol (sign-in.ts);
 * - a transfer keeps the account and its mailbox (the same row, only `unit_id` changes): unit
 *   lists follow the unit automatically, and explicit memberships in lists of the old unit end.
 */
import type { Kysely } from 'kysely';
import type { ChangeFeed } from '../../mail/change-feed.js';
import type { Clock } from '../../platform/clock.js';
import type { Account, Database } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import { DirectoryError } from '../directory/directory-service.js';
import { authorize, can, type PolicyAction, type PolicyActor, type UnitTree } from '../policy.js';
import type { AccountLifecycle, LifecycleActor } from './lifecycle.js';
import { changeAccountState, requireReason, type StateAction } from './state-change.js';

/** Who is acting, for the policy and for the history/audit rows. */
export interface AdminActor {
  policy: PolicyActor;
  tree: UnitTree;
  who: LifecycleActor;
}

/** Smallest quota an administrator may set: 1 MiB (0 would silently refuse all mail). */
export const MIN_QUOTA_BYTES = 1024 * 1024;
export { requireReason };

/**
 * Loads an account for an administrative action: "not found" when it does not exist or the actor
 * may not view it (someone else's unit), PolicyDenied when they may view but not do `action`.
 */
export async function accountFor(db: Kysely<Database>, accountId: number, action: PolicyAction, by: AdminActor): Promise<Account> {
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
  const object = account ? ({ kind: 'account', accountId: account.id, unitId: account.unit_id } as const) : null;
  if (!account || !object || !can(by.policy, 'account.view', object, by.tree)) throw new DirectoryError('NOT_FOUND', '账号不存在');
  authorize(by.policy, action, object, by.tree);
  return account;
}

const POLICY_OF: Record<StateAction, PolicyAction> = { lock: 'account.lock', unlock: 'account.lock', suspend: 'account.suspend', resume: 'account.suspend' };

export class AccountAdministration {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lifecycle: AccountLifecycle,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly feed: ChangeFeed,
  ) {}

  lock(accountId: number, reason: string, by: AdminActor) {
    return this.changeState(accountId, 'lock', reason, by);
  }

  unlock(accountId: number, reason: string, by: AdminActor) {
    return this.changeState(accountId, 'unlock', reason, by);
  }

  suspend(accountId: number, reason: string, by: AdminActor) {
    return this.changeState(accountId, 'suspend', reason, by);
  }

  resume(accountId: number, reason: string, by: AdminActor) {
    return this.changeState(accountId, 'resume', reason, by);
  }

  private async changeState(accountId: number, action: StateAction, reasonInput: string, by: AdminActor): Promise<Account> {
    const reason = requireReason(reasonInput);
    const account = await accountFor(this.db, accountId, POLICY_OF[action], by);
    if (account.id === by.policy.accountId && (action === 'lock' || action === 'suspend')) {
      throw new DirectoryError('POLICY', '不能锁定或停用自己的账号 (you cannot lock or suspend your own account)');
    }
    await changeAccountState({ lifecycle: this.lifecycle, feed: this.feed }, account, action, reason, by.who);
    return this.reload(account.id);
  }

  /**
   * Moves the person to another unit (SPEC Art. 3.6: "a transfer between units keeps the mailbox
   * and moves the account"). Explicit memberships of the old unit's lists end.
   */
  async transfer(accountId: number, toUnitId: number, reasonInput: string, by: AdminActor): Promise<Account> {
    const reason = requireReason(reasonInput);
    const account = await accountFor(this.db, accountId, 'account.transfer', by);
    const target = await this.db.selectFrom('units').select(['id', 'name', 'code']).where('id', '=', toUnitId).executeTakeFirst();
    if (!target) throw new DirectoryError('INVALID', '目标单位不存在');
    authorize(by.policy, 'account.transfer', { kind: 'unit', unitId: target.id }, by.tree);
    if (target.id === account.unit_id) throw new DirectoryError('INVALID', '该账号已属于此单位');
    if (account.state === 'deactivated' || account.state === 'purged') throw new DirectoryError('POLICY', '已注销的账号不能调动');
    const from = await this.db.selectFrom('units').select(['id', 'name', 'code']).where('id', '=', account.unit_id).executeTakeFirstOrThrow();
    const now = this.clock.now();
    let droppedLists: string[] = [];
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ unit_id: target.id, updated_at: now }).where('id', '=', account.id).execute();
      const oldLists = await trx
        .selectFrom('list_members')
        .innerJoin('distribution_lists', 'distribution_lists.id', 'list_members.list_id')
        .select(['distribution_lists.id', 'distribution_lists.address'])
        .where('list_members.account_id', '=', account.id)
        .where('distribution_lists.unit_id', '=', from.id)
        .execute();
      droppedLists = oldLists.map((l) => l.address);
      if (oldLists.length > 0) {
        await trx
          .deleteFrom('list_members')
          .where('account_id', '=', account.id)
          .where(
            'list_id',
            'in',
            oldLists.map((l) => l.id),
          )
          .execute();
      }
    });
    await this.lifecycle.recordEvent(account, 'transfer', { actor: by.who, reason: `${from.name} → ${target.name}：${reason}` });
    await this.audit.append({
      actor: by.who.address,
      actorAccountId: by.who.accountId ?? null,
      action: 'account.transfer',
      target: account.address,
      ip: by.who.ip ?? null,
      protocol: by.who.via,
      details: { fromUnit: from.code, toUnit: target.code, reason, droppedLists },
    });
    return this.reload(account.id);
  }

  async changeQuota(accountId: number, quotaBytes: number, reasonInput: string, by: AdminActor): Promise<Account> {
    const reason = requireReason(reasonInput);
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes < MIN_QUOTA_BYTES) throw new DirectoryError('INVALID', '配额至少为 1 MB');
    const account = await accountFor(this.db, accountId, 'account.change_quota', by);
    if (account.state === 'purged') throw new DirectoryError('POLICY', '已清除的账号不能修改配额');
    await this.db.updateTable('accounts').set({ quota_bytes: quotaBytes, updated_at: this.clock.now() }).where('id', '=', account.id).execute();
    await this.lifecycle.recordEvent(account, 'change_quota', { actor: by.who, reason: `${formatMb(Number(account.quota_bytes))} → ${formatMb(quotaBytes)}：${reason}` });
    await this.audit.append({
      actor: by.who.address,
      actorAccountId: by.who.accountId ?? null,
      action: 'account.change_quota',
      target: account.address,
      ip: by.who.ip ?? null,
      protocol: by.who.via,
      details: { from: Number(account.quota_bytes), to: quotaBytes, usedBytes: Number(account.used_bytes), reason },
    });
    return this.reload(account.id);
  }

  private reload(id: number): Promise<Account> {
    return this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }
}

function formatMb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
