/**
 * The account life cycle (SPEC Art. 2, 3.6): one transition table, and `transition()`, the only
 * code that changes `accounts.state`. Every transition is recorded twice: a row of
 * `account_state_history` (who, when, why — shown on the console's account page) and an audit
 * row (the tamper-evident log).
 *
 *   applied ─approve→ approved ─allocate→ pending_activation ─activate→ active
 *      └─reject→ rejected (applications only)      │ reissue_activation (loop)
 *   active ─lock→ locked ─unlock→ active;  active|locked ─suspend→ suspended ─resume→ active
 *   active|locked|suspended ─request_deactivation→ deactivating ─cancel_deactivation→ active
 *   deactivating ─complete_deactivation→ deactivated ─purge→ purged
 *   pending_activation ─cancel_allocation→ deactivated (never activated: nothing to hand over)
 *
 * Applications (before an account exists) walk the first steps of the same table: their row in
 * `account_applications` holds `applied`, `approved`, `rejected` or `allocated` (= the account
 * now exists in `pending_activation`). On allocation the application's history rows are linked
 * to the new account, so the account page shows the whole story from the application on.
 *
 * The table is pure data and `nextState` a pure function, so lifecycle.test.ts checks every
 * (state, action) pair; the update is a compare-and-set on the old state, so two admins acting
 * at once cannot both move the same account.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { ACCOUNT_STATES, type AccountState, type AccountStateHistoryRow, type ApplicationState, type Database } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';

/** Account states plus the end of a rejected application. */
export type LifecycleState = AccountState | 'rejected';
export const LIFECYCLE_STATES: readonly LifecycleState[] = [...ACCOUNT_STATES, 'rejected'];

/** Each action: the states it may start from and the state it leads to. Add transitions here only. */
export const TRANSITIONS = {
  approve: { from: ['applied'], to: 'approved' },
  reject: { from: ['applied'], to: 'rejected' },
  allocate: { from: ['approved'], to: 'pending_activation' },
  reissue_activation: { from: ['pending_activation'], to: 'pending_activation' },
  activate: { from: ['pending_activation'], to: 'active' },
  cancel_allocation: { from: ['pending_activation'], to: 'deactivated' },
  lock: { from: ['active'], to: 'locked' },
  unlock: { from: ['locked'], to: 'active' },
  suspend: { from: ['active', 'locked'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
  request_deactivation: { from: ['active', 'locked', 'suspended'], to: 'deactivating' },
  cancel_deactivation: { from: ['deactivating'], to: 'active' },
  complete_deactivation: { from: ['deactivating'], to: 'deactivated' },
  purge: { from: ['deactivated'], to: 'purged' },
} as const satisfies Record<string, { from: readonly LifecycleState[]; to: LifecycleState }>;

export type LifecycleAction = keyof typeof TRANSITIONS;
export const LIFECYCLE_ACTIONS = Object.keys(TRANSITIONS) as LifecycleAction[];

/** How a subject comes into existence (a history row with no `from`). */
export type CreationAction = 'apply' | 'create' | 'import';

export class IllegalTransition extends Error {
  override name = 'IllegalTransition';
  constructor(
    readonly from: string,
    readonly action: string,
  ) {
    super(`illegal account transition: ${action} from ${from}`);
  }
}

/** The state `action` leads to from `from`, or IllegalTransition. */
export function nextState(from: LifecycleState, action: LifecycleAction): LifecycleState {
  const rule: { from: readonly LifecycleState[]; to: LifecycleState } | undefined = Object.hasOwn(TRANSITIONS, action) ? TRANSITIONS[action] : undefined;
  if (!rule || !rule.from.includes(from)) throw new IllegalTransition(from, action);
  return rule.to;
}

/** The actions that may be taken from `state` (for the console to offer only those). */
export function actionsFrom(state: LifecycleState): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((a) => (TRANSITIONS[a].from as readonly LifecycleState[]).includes(state));
}

/** Who did it, for history and audit. */
export interface LifecycleActor {
  address: string;
  accountId?: number | null;
  ip?: string | null;
  /** `web`, `cli`, `system` … (audit `protocol`). */
  via: string;
}

export interface TransitionOptions {
  actor: LifecycleActor;
  /** Why; shown in the state history. Required by some callers (reject, suspend …), never here. */
  reason?: string | null;
  /** Extra audit details (never passwords). */
  details?: Record<string, unknown>;
  /** Runs inside the same transaction after the state changed (e.g. the caller's own rows). */
  within?: (trx: Transaction<Database>, to: LifecycleState) => Promise<void>;
}

export class AccountLifecycle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Moves an account by `action`, refusing an illegal one with IllegalTransition (also when the
   * account's state changed since the caller read it). Returns the new state.
   */
  async transition(account: { id: number; address: string; state: AccountState }, action: LifecycleAction, options: TransitionOptions): Promise<AccountState> {
    const to = nextState(account.state, action);
    if (to === 'rejected') throw new IllegalTransition(account.state, action); // applications only
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('accounts')
        .set({ state: to, updated_at: now })
        .where('id', '=', account.id)
        .where('state', '=', account.state)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        const current = await trx.selectFrom('accounts').select('state').where('id', '=', account.id).executeTakeFirst();
        throw new IllegalTransition(current?.state ?? 'missing', action);
      }
      await this.insertHistory(trx, { accountId: account.id, applicationId: null, from: account.state, to, action, options, at: now });
      if (options.within) await options.within(trx, to);
    });
    await this.auditTransition(account.address, account.state, to, action, options);
    return to;
  }

  /** Moves an application (before its account exists); `allocate` ends it as `allocated`. */
  async transitionApplication(
    application: { id: number; tracking_code: string; state: ApplicationState },
    action: LifecycleAction,
    options: TransitionOptions & { accountId?: number },
  ): Promise<LifecycleState> {
    if (application.state === 'allocated') throw new IllegalTransition('pending_activation', action);
    const to = nextState(application.state, action);
    const stored: ApplicationState | null = to === 'approved' || to === 'rejected' ? to : to === 'pending_activation' ? 'allocated' : null;
    if (!stored) throw new IllegalTransition(application.state, action);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('account_applications')
        .set({ state: stored, updated_at: now })
        .where('id', '=', application.id)
        .where('state', '=', application.state)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new IllegalTransition('changed', action);
      const accountId = options.accountId ?? null;
      if (accountId !== null) {
        // From now on the account page shows the application's story too.
        await trx.updateTable('account_state_history').set({ account_id: accountId }).where('application_id', '=', application.id).execute();
      }
      await this.insertHistory(trx, { accountId, applicationId: application.id, from: application.state, to, action, options, at: now });
      if (options.within) await options.within(trx, to);
    });
    await this.auditTransition(`application:${application.tracking_code}`, application.state, to, action, options);
    return to;
  }

  /** Records how an account or application came to be (history row without `from`, and audit). */
  async recordCreation(
    subject: { accountId?: number | null; applicationId?: number | null; target: string; state: LifecycleState },
    action: CreationAction,
    options: Omit<TransitionOptions, 'within'>,
  ): Promise<void> {
    const now = this.clock.now();
    await this.insertHistory(this.db, { accountId: subject.accountId ?? null, applicationId: subject.applicationId ?? null, from: null, to: subject.state, action, options, at: now });
    await this.auditTransition(subject.target, null, subject.state, action, options);
  }

  /**
   * Records an event that is not a state change but belongs in the account's story (transfer to
   * another unit, quota change, a re-sent link): a history row with from = to.
   */
  async recordEvent(account: { id: number; address: string; state: AccountState }, event: string, options: Omit<TransitionOptions, 'within'>): Promise<void> {
    await this.insertHistory(this.db, { accountId: account.id, applicationId: null, from: account.state, to: account.state, action: event, options, at: this.clock.now() });
  }

  /** The account's history, oldest first (including its application's steps). */
  history(accountId: number): Promise<AccountStateHistoryRow[]> {
    return this.db.selectFrom('account_state_history').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  }

  applicationHistory(applicationId: number): Promise<AccountStateHistoryRow[]> {
    return this.db.selectFrom('account_state_history').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  }

  private async insertHistory(
    db: Kysely<Database>,
    row: { accountId: number | null; applicationId: number | null; from: string | null; to: string; action: string; options: Pick<TransitionOptions, 'actor' | 'reason'>; at: number },
  ): Promise<void> {
    await db
      .insertInto('account_state_history')
      .values({
        account_id: row.accountId,
        application_id: row.applicationId,
        from_state: row.from,
        to_state: row.to,
        action: row.action,
        actor: row.options.actor.address,
        actor_account_id: row.options.actor.accountId ?? null,
        reason: row.options.reason ?? null,
        at: row.at,
      })
      .execute();
  }

  private async auditTransition(target: string, from: string | null, to: string, action: string, options: Pick<TransitionOptions, 'actor' | 'reason' | 'details'>): Promise<void> {
    await this.audit.append({
      actor: options.actor.address,
      actorAccountId: options.actor.accountId ?? null,
      action: `account.lifecycle.${action}`,
      target,
      ip: options.actor.ip ?? null,
      protocol: options.actor.via,
      details: { from, to, reason: options.reason ?? null, ...options.details },
    });
  }
}
