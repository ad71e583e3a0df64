/**
 * Deactivating an account (SPEC Art. 3.6, regulation 三.6: 离职或调离岗位时 … 确保所有公务邮件已妥善处理).
 *
 *   request      by the person (webmail settings) or their unit admin (console): the account
 *                goes `deactivating` (lifecycle.ts) and a row of `account_deactivations` opens.
 *                A person who was active keeps signing in to hand over (sign-in.ts).
 *   handover     five items, each done or waived by the department admin with a written reason:
 *                  important_mail  no important mail they received is left unconfirmed (3.4)
 *                  successor       an active account named to take over
 *                  forwarding      mail to the address goes to the successor for N days
 *                  auto_reply      an out-of-office reply set (webmail settings)
 *                  export          a final export of the whole mailbox made after the request
 *   complete     by the unit admin or department admin, refused while an item is open: the
 *                account is `deactivated` (no sign-in anywhere, sessions ended), mail to it goes
 *                to the successor until `forward_until`, then is refused with 550 5.1.1 naming
 *                the unit's contact (delivery/recipients.ts, smtp-listener.ts).
 *   purge        after the retention period a scheduled job deletes mailboxes and messages
 *                (blob references released), export files and credentials, minimises personal
 *                data on the account row (state `purged`), and leaves the audit record.
 *   cancel       by the same people as request, while in progress: back to active.
 *
 * Every step is authorised by the policy and audited (the life cycle's transitions, plus rows of
 * their own for the handover edits and waivers).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { ChangeFeed } from '../../mail/change-feed.js';
import type { MailStore } from '../../mail/mail-store.js';
import type { Clock } from '../../platform/clock.js';
import type { Account, AccountDeactivation, Database } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import { DirectoryError } from '../directory/directory-service.js';
import { authorize, can, type PolicyAction } from '../policy.js';
import { accountFor, requireReason, type AdminActor } from './administration.js';
import type { DeactivationNotices } from './deactivation-notices.js';
import type { AccountLifecycle, LifecycleActor } from './lifecycle.js';
import type { MailboxExporter } from './mailbox-export.js';
import { endSessions } from './sign-in.js';

/**
 * Tables whose rows are the person's own, keyed by `account_id`: deleted by the purge in the
 * same transaction as the state change. A table added later with an `account_id` belongs here
 * (or in TOMBSTONE_TABLES); test/onboarding/purge-everything.test.ts enumerates the schema and
 * fails for a table that is in neither.
 */
export const PURGED_TABLES = [
  'web_sessions',
  'activation_tokens',
  'webmail_settings',
  'remote_image_senders',
  'auto_reply_log',
  'aliases',
  'list_members',
  'account_profiles',
  'auth_failures',
  // credentials (SPEC 4.1)
  'account_totp',
  'recovery_codes',
  'app_passwords',
  'known_devices',
  'password_reset_tokens',
  'password_history',
  'password_reminders',
  'forced_password_resets',
  // the export rows (their files are deleted before the transaction)
  'mailbox_exports',
  // 工作秘密 key directory (smcrypto): public key and protected private-key copies
  'sm_keys',
] as const;

/** Columns of other rows that point at the person: set to null by the purge. */
export const DETACHED_COLUMNS = [
  ['important_receipts', 'sender_account_id'],
  ['incidents', 'reporter_account_id'],
  ['incidents', 'owner_account_id'],
  ['incidents', 'subject_account_id'],
  ['incident_events', 'actor_account_id'],
  ['security_events', 'account_id'],
  ['handover_waivers', 'waived_by_account_id'],
  ['account_state_history', 'actor_account_id'],
  ['account_applications', 'reviewed_by'],
  ['content_rules', 'created_by'],
  ['outbound_holds', 'submitted_by'],
  ['outbound_holds', 'decided_by'],
  ['outbound_queue', 'submitted_by'],
  ['quarantine', 'decided_by'],
] as const;

/**
 * What stays of a purged person besides the audit log: the tombstone — the account row (address,
 * state `purged`, name replaced), its life-cycle story (`account_state_history`, the
 * `account_deactivations` row) and its application with the personal fields blanked. Table →
 * the columns that may still hold the person's id.
 */
export const TOMBSTONE_TABLES: Record<string, readonly string[]> = {
  accounts: ['id'],
  account_state_history: ['account_id'],
  account_deactivations: ['account_id', 'requested_by_account_id'],
  account_applications: ['account_id'],
};

export const HANDOVER_ITEMS = ['important_mail', 'successor', 'forwarding', 'auto_reply', 'export'] as const;
export type HandoverItem = (typeof HANDOVER_ITEMS)[number];

export interface HandoverItemStatus {
  item: HandoverItem;
  status: 'done' | 'waived' | 'open';
  /** What the item found (counts, names, dates) for the checklist page. */
  detail: Record<string, string | number | null>;
  waiver: { reason: string; by: string; at: number } | null;
}

export interface DeactivationView {
  deactivation: AccountDeactivation;
  account: Pick<Account, 'id' | 'address' | 'display_name' | 'unit_id' | 'state'> & { unit_name: string };
  successor: { id: number; address: string; displayName: string } | null;
  checklist: HandoverItemStatus[];
  /** True when every item is done or waived. */
  ready: boolean;
}

/** Completion refused: these items are neither done nor waived. */
export class HandoverIncomplete extends Error {
  override name = 'HandoverIncomplete';
  constructor(readonly items: HandoverItem[]) {
    super(`handover incomplete: ${items.join(', ')}`);
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_FORWARD_DAYS = 3650;
/** What a purged account is called from then on (its address stays, so the audit lines up). */
export const PURGED_NAME = '已注销用户';

export interface DeactivationOptions {
  handoverDays: number;
  retentionDays: number;
  /** Where onboarding keeps application scans (work ID, unit certificate): purged with the account. */
  applicationsDir?: string;
}

export class DeactivationService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lifecycle: AccountLifecycle,
    private readonly audit: AuditLog,
    private readonly mail: MailStore,
    readonly exporter: MailboxExporter,
    private readonly clock: Clock,
    readonly options: DeactivationOptions,
    private readonly feed: ChangeFeed,
    private readonly notices: DeactivationNotices | null = null,
  ) {}

  // ── request and cancel ─────────────────────────────────────────────────────────────────

  async request(accountId: number, input: { reason: string; successorAddress?: string | null; forwardDays?: number | null }, by: AdminActor): Promise<AccountDeactivation> {
    const reason = requireReason(input.reason);
    const account = await accountFor(this.db, accountId, 'account.deactivate_request', by);
    const successor = input.successorAddress ? await this.successorFor(account, input.successorAddress) : null;
    const forwardDays = input.forwardDays === undefined || input.forwardDays === null ? null : checkForwardDays(input.forwardDays);
    const now = this.clock.now();
    let id = 0;
    await this.lifecycle.transition(account, 'request_deactivation', {
      actor: by.who,
      reason,
      details: { self: account.id === by.policy.accountId, successor: successor?.address ?? null },
      within: async (trx) => {
        const row = await trx
          .insertInto('account_deactivations')
          .values({
            account_id: account.id,
            state: 'in_progress',
            from_state: account.state,
            requested_by: by.who.address,
            requested_by_account_id: by.who.accountId ?? null,
            reason,
            successor_account_id: successor?.id ?? null,
            forward_days: successor ? (forwardDays ?? this.options.handoverDays) : forwardDays,
            forward_until: null,
            completed_by: null,
            completed_at: null,
            purge_after: null,
            purged_at: null,
            cancelled_at: null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = row.id;
        // Someone locked or suspended stays out during the handover: end their sessions now.
        if (account.state !== 'active') await endSessions(trx, account.id);
      },
    });
    if (account.state !== 'active') this.feed.publish([{ kind: 'account-disabled', accountId: account.id, state: 'deactivating' }]);
    // The unit's administrators complete it: tell them when the person asked themselves.
    if (account.id === by.policy.accountId) await this.notify(() => this.notices!.requested(account, reason));
    return this.row(id);
  }

  async cancel(deactivationId: number, reasonInput: string, by: AdminActor): Promise<AccountDeactivation> {
    const reason = requireReason(reasonInput);
    const { deactivation, account } = await this.load(deactivationId, 'account.deactivate_request', by);
    if (deactivation.state !== 'in_progress') throw new DirectoryError('POLICY', '该注销申请已结束，不能撤销');
    const now = this.clock.now();
    await this.lifecycle.transition(account, 'cancel_deactivation', {
      actor: by.who,
      reason,
      within: async (trx) => {
        await trx.updateTable('account_deactivations').set({ state: 'cancelled', cancelled_at: now, updated_at: now }).where('id', '=', deactivation.id).where('state', '=', 'in_progress').execute();
      },
    });
    return this.row(deactivation.id);
  }

  // ── the handover ───────────────────────────────────────────────────────────────────────

  /** Names (or clears) the successor and the forwarding period. */
  async setHandover(deactivationId: number, input: { successorAddress: string | null; forwardDays: number | null }, by: AdminActor): Promise<DeactivationView> {
    const { deactivation, account } = await this.load(deactivationId, 'account.handover_edit', by);
    if (deactivation.state !== 'in_progress') throw new DirectoryError('POLICY', '该注销申请已结束，不能修改交接事项');
    const successor = input.successorAddress ? await this.successorFor(account, input.successorAddress) : null;
    const forwardDays = input.forwardDays === null ? null : checkForwardDays(input.forwardDays);
    await this.db
      .updateTable('account_deactivations')
      .set({ successor_account_id: successor?.id ?? null, forward_days: forwardDays, updated_at: this.clock.now() })
      .where('id', '=', deactivation.id)
      .execute();
    await this.auditAction(by.who, 'account.handover_edit', account.address, { deactivation: deactivation.id, successor: successor?.address ?? null, forwardDays });
    return this.view(deactivation.id);
  }

  /** Waives an item (department admin only, SPEC Art. 3.6) with a written reason. */
  async waive(deactivationId: number, item: HandoverItem, reasonInput: string, by: AdminActor): Promise<DeactivationView> {
    const reason = requireReason(reasonInput);
    if (!(HANDOVER_ITEMS as readonly string[]).includes(item)) throw new DirectoryError('INVALID', `unknown handover item: ${item}`);
    const { deactivation, account } = await this.load(deactivationId, 'account.handover_waive', by);
    if (deactivation.state !== 'in_progress') throw new DirectoryError('POLICY', '该注销申请已结束');
    await this.db
      .insertInto('handover_waivers')
      .values({ deactivation_id: deactivation.id, item, reason, waived_by: by.who.address, waived_by_account_id: by.who.accountId ?? null, waived_at: this.clock.now() })
      .onConflict((oc) => oc.columns(['deactivation_id', 'item']).doNothing())
      .execute();
    await this.auditAction(by.who, 'account.handover_waive', account.address, { deactivation: deactivation.id, item, reason });
    return this.view(deactivation.id);
  }

  /**
   * Closes the account once every item is done or waived: state `deactivated`, sessions ended,
   * forwarding until now + forward_days (unless waived), purge after the retention period.
   */
  async complete(deactivationId: number, by: AdminActor): Promise<DeactivationView> {
    const { deactivation, account } = await this.load(deactivationId, 'account.deactivate_complete', by);
    if (deactivation.state !== 'in_progress') throw new DirectoryError('POLICY', '该注销申请已结束');
    const checklist = await this.checklist(deactivation);
    const open = checklist.filter((c) => c.status === 'open').map((c) => c.item);
    if (open.length > 0) throw new HandoverIncomplete(open);
    const forwarding = checklist.find((c) => c.item === 'forwarding')!;
    const now = this.clock.now();
    const forwardUntil = forwarding.status === 'done' && deactivation.successor_account_id !== null && deactivation.forward_days ? now + deactivation.forward_days * DAY_MS : null;
    const purgeAfter = now + this.options.retentionDays * DAY_MS;
    await this.lifecycle.transition(account, 'complete_deactivation', {
      actor: by.who,
      reason: deactivation.reason,
      details: { deactivation: deactivation.id, forwardUntil, purgeAfter, waived: checklist.filter((c) => c.status === 'waived').map((c) => c.item) },
      within: async (trx) => {
        const result = await trx
          .updateTable('account_deactivations')
          .set({ state: 'completed', completed_by: by.who.address, completed_at: now, forward_until: forwardUntil, purge_after: purgeAfter, updated_at: now })
          .where('id', '=', deactivation.id)
          .where('state', '=', 'in_progress')
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new DirectoryError('CONFLICT', '该注销申请已被他人处理');
        await endSessions(trx, account.id);
      },
    });
    this.feed.publish([{ kind: 'account-disabled', accountId: account.id, state: 'deactivated' }]);
    if (forwardUntil !== null && deactivation.successor_account_id !== null) {
      const successor = await this.db.selectFrom('accounts').select('address').where('id', '=', deactivation.successor_account_id).executeTakeFirst();
      if (successor) await this.notify(() => this.notices!.forwarding(account, successor.address, forwardUntil));
    }
    return this.view(deactivation.id);
  }

  /** The checklist of a deactivation, computed from the live data plus the waivers. */
  async checklist(deactivation: AccountDeactivation): Promise<HandoverItemStatus[]> {
    const accountId = deactivation.account_id;
    const waivers = await this.db.selectFrom('handover_waivers').selectAll().where('deactivation_id', '=', deactivation.id).execute();
    const unconfirmed = await this.db
      .selectFrom('important_receipts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('recipient_account_id', '=', accountId)
      .where('read_confirmed_at', 'is', null)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    const successor =
      deactivation.successor_account_id === null
        ? undefined
        : await this.db.selectFrom('accounts').select(['address', 'display_name', 'state']).where('id', '=', deactivation.successor_account_id).executeTakeFirst();
    const settings = await this.db.selectFrom('webmail_settings').select(['auto_reply_enabled', 'auto_reply_body']).where('account_id', '=', accountId).executeTakeFirst();
    const exported = await this.db
      .selectFrom('mailbox_exports')
      .select(['id', 'created_at', 'messages', 'downloaded_at'])
      .where('account_id', '=', accountId)
      .where('created_at', '>=', deactivation.created_at)
      .orderBy('id', 'desc')
      .executeTakeFirst();

    const n = Number(unconfirmed?.n ?? 0);
    const successorOk = successor !== undefined && (successor.state === 'active' || deactivation.state !== 'in_progress');
    const found: Record<HandoverItem, { done: boolean; detail: HandoverItemStatus['detail'] }> = {
      important_mail: { done: n === 0, detail: { unconfirmed: n } },
      successor: { done: successorOk, detail: { address: successor?.address ?? null, name: successor?.display_name ?? null, state: successor?.state ?? null } },
      forwarding: { done: successorOk && (deactivation.forward_days ?? 0) > 0, detail: { days: deactivation.forward_days, until: deactivation.forward_until } },
      auto_reply: { done: settings?.auto_reply_enabled === 1 && settings.auto_reply_body.trim().length > 0, detail: {} },
      export: { done: exported !== undefined, detail: { exportId: exported?.id ?? null, at: exported?.created_at ?? null, messages: exported?.messages ?? null } },
    };
    return HANDOVER_ITEMS.map((item) => {
      const waiver = waivers.find((w) => w.item === item);
      const status = found[item].done ? 'done' : waiver ? 'waived' : 'open';
      return { item, status, detail: found[item].detail, waiver: waiver ? { reason: waiver.reason, by: waiver.waived_by, at: waiver.waived_at } : null };
    });
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────

  /** One deactivation for someone who may view its account (else "not found"). */
  async get(deactivationId: number, by: AdminActor): Promise<DeactivationView> {
    await this.load(deactivationId, 'account.view', by);
    return this.view(deactivationId);
  }

  /** The newest deactivation of an account (any state), for the person's own settings page. */
  async latestOf(accountId: number): Promise<DeactivationView | null> {
    const row = await this.db.selectFrom('account_deactivations').select('id').where('account_id', '=', accountId).orderBy('id', 'desc').executeTakeFirst();
    return row ? this.view(row.id) : null;
  }

  /** Deactivations the actor may see, in progress first, then the most recent others. */
  async list(by: AdminActor, filter: { state?: AccountDeactivation['state'] } = {}): Promise<DeactivationView[]> {
    let query = this.db
      .selectFrom('account_deactivations')
      .innerJoin('accounts', 'accounts.id', 'account_deactivations.account_id')
      .select(['account_deactivations.id', 'accounts.id as account_id', 'accounts.unit_id']);
    if (filter.state) query = query.where('account_deactivations.state', '=', filter.state);
    const rows = await query.orderBy('account_deactivations.id', 'desc').limit(500).execute();
    const visible = rows.filter((r) => can(by.policy, 'account.view', { kind: 'account', accountId: r.account_id, unitId: r.unit_id }, by.tree) && by.policy.roles.some((role) => role !== 'staff'));
    const views = await Promise.all(visible.map((r) => this.view(r.id)));
    return views.sort((a, b) => Number(b.deactivation.state === 'in_progress') - Number(a.deactivation.state === 'in_progress'));
  }

  async view(deactivationId: number): Promise<DeactivationView> {
    const deactivation = await this.row(deactivationId);
    const account = await this.db
      .selectFrom('accounts')
      .innerJoin('units', 'units.id', 'accounts.unit_id')
      .select(['accounts.id', 'accounts.address', 'accounts.display_name', 'accounts.unit_id', 'accounts.state', 'units.name as unit_name'])
      .where('accounts.id', '=', deactivation.account_id)
      .executeTakeFirstOrThrow();
    const successorRow =
      deactivation.successor_account_id === null ? undefined : await this.db.selectFrom('accounts').select(['id', 'address', 'display_name']).where('id', '=', deactivation.successor_account_id).executeTakeFirst();
    const checklist = deactivation.state === 'purged' ? [] : await this.checklist(deactivation);
    return {
      deactivation,
      account,
      successor: successorRow ? { id: successorRow.id, address: successorRow.address, displayName: successorRow.display_name } : null,
      checklist,
      ready: checklist.every((c) => c.status !== 'open'),
    };
  }

  // ── purge ──────────────────────────────────────────────────────────────────────────────

  /** The scheduled job: purges every deactivated account past its retention. Returns how many. */
  async purgeDue(): Promise<number> {
    const due = await this.db
      .selectFrom('account_deactivations')
      .select('id')
      .where('state', '=', 'completed')
      .where('purge_after', '<=', this.clock.now())
      .orderBy('id')
      .execute();
    let purged = 0;
    for (const { id } of due) {
      await this.purge(id);
      purged++;
    }
    return purged;
  }

  private async purge(deactivationId: number): Promise<void> {
    const deactivation = await this.row(deactivationId);
    const account = await this.db.selectFrom('accounts').selectAll().where('id', '=', deactivation.account_id).executeTakeFirstOrThrow();
    if (deactivation.state !== 'completed' || account.state !== 'deactivated') return;
    const mail = await this.mail.purgeAccountMail(account.id);
    const exports = await this.exporter.deleteAll(account.id);
    const scans = await this.deleteApplicationScans(account.id);
    const now = this.clock.now();
    await this.lifecycle.transition(account, 'purge', {
      actor: { address: 'system', via: 'system' },
      reason: `保留期满 (retention of ${this.options.retentionDays} days ended)`,
      details: { deactivation: deactivation.id, ...mail.value, exportFiles: exports, applicationScans: scans },
      within: async (trx) => {
        // Credentials and everything personal beyond the address (kept so audit rows line up).
        for (const table of PURGED_TABLES) await trx.deleteFrom(table).where('account_id', '=', account.id).execute();
        // The person's important-mail receipts go; receipts of mail they sent stay for the
        // recipients' senders' records, without the link to the person.
        await trx.deleteFrom('important_receipts').where('recipient_account_id', '=', account.id).execute();
        // Rows that belong to someone or something else but name the person: the link goes, the
        // row stays (its text fields — an actor's address, a reporter's address — are records of
        // what happened, like the audit log).
        for (const [table, column] of DETACHED_COLUMNS) {
          await trx.updateTable(table).set({ [column]: null }).where(column, '=', account.id).execute();
        }
        // Other people's deactivations naming the person (as requester or successor).
        await trx.updateTable('account_deactivations').set({ requested_by_account_id: null }).where('requested_by_account_id', '=', account.id).where('account_id', '!=', account.id).execute();
        await trx.updateTable('account_deactivations').set({ successor_account_id: null }).where('successor_account_id', '=', account.id).where('account_id', '!=', account.id).execute();
        await trx
          .updateTable('account_applications')
          .set({ display_name: PURGED_NAME, work_id: '', mobile: '', reason: '', title: '', ip: null, document_file: null, document_name: null })
          .where('account_id', '=', account.id)
          .execute();
        await trx
          .updateTable('accounts')
          .set({ display_name: PURGED_NAME, pinyin: '', pinyin_initials: '', title: null, password_hash: null, roles: JSON.stringify(['staff']), locked_until: null, used_bytes: 0, updated_at: now })
          .where('id', '=', account.id)
          .execute();
        await trx.updateTable('account_deactivations').set({ state: 'purged', purged_at: now, updated_at: now }).where('id', '=', deactivation.id).execute();
      },
    });
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────

  /** Deletes the scans filed with the account's application (personal data); returns how many. */
  private async deleteApplicationScans(accountId: number): Promise<number> {
    if (!this.options.applicationsDir) return 0;
    const rows = await this.db.selectFrom('account_applications').select('document_file').where('account_id', '=', accountId).where('document_file', 'is not', null).execute();
    let deleted = 0;
    for (const { document_file: name } of rows) {
      // Names are onboarding's own (hex + extension); anything else never reaches the file system.
      if (!name || !/^[0-9a-f]{32}\.(pdf|jpg|png)$/.test(name)) continue;
      await rm(path.join(this.options.applicationsDir, name), { force: true });
      deleted++;
    }
    return deleted;
  }

  private async row(id: number): Promise<AccountDeactivation> {
    const row = await this.db.selectFrom('account_deactivations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new DirectoryError('NOT_FOUND', '注销申请不存在');
    return row;
  }

  private async load(deactivationId: number, action: PolicyAction, by: AdminActor): Promise<{ deactivation: AccountDeactivation; account: Account }> {
    const deactivation = await this.db.selectFrom('account_deactivations').selectAll().where('id', '=', deactivationId).executeTakeFirst();
    if (!deactivation) throw new DirectoryError('NOT_FOUND', '注销申请不存在');
    const account = await accountFor(this.db, deactivation.account_id, 'account.view', by);
    authorize(by.policy, action, { kind: 'account', accountId: account.id, unitId: account.unit_id }, by.tree);
    return { deactivation, account };
  }

  private async successorFor(account: Account, address: string): Promise<Account> {
    const successor = await this.db.selectFrom('accounts').selectAll().where('address', '=', address.trim().toLowerCase()).executeTakeFirst();
    if (!successor) throw new DirectoryError('INVALID', `接替人不存在：${address}`);
    if (successor.id === account.id) throw new DirectoryError('INVALID', '接替人不能是本人');
    if (successor.state !== 'active') throw new DirectoryError('INVALID', `接替人账号未处于正常状态：${successor.address}`);
    return successor;
  }

  /** A notice failing must not undo the step it reports: it is recorded instead. */
  private async notify(send: () => Promise<unknown>): Promise<void> {
    if (!this.notices) return;
    try {
      await send();
    } catch (err) {
      await this.audit.append({ actor: 'system', action: 'account.deactivation_notice_failed', outcome: 'failure', details: { error: String((err as Error).message ?? err).slice(0, 300) } });
    }
  }

  private async auditAction(who: LifecycleActor, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    await this.audit.append({ actor: who.address, actorAccountId: who.accountId ?? null, action, target, ip: who.ip ?? null, protocol: who.via, details });
  }
}

function checkForwardDays(days: number): number {
  if (!Number.isSafeInteger(days) || days < 1 || days > MAX_FORWARD_DAYS) throw new DirectoryError('INVALID', `转发期限应为 1–${MAX_FORWARD_DAYS} 天`);
  return days;
}

/**
 * Where mail to a deactivated address goes now: the successor's account id while the handover
 * window is open, else null (refused). Called by the recipient resolver.
 */
export async function handoverTarget(db: Kysely<Database>, accountId: number, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('account_deactivations')
    .innerJoin('accounts as successor', 'successor.id', 'account_deactivations.successor_account_id')
    .select(['successor.id', 'successor.state'])
    .where('account_deactivations.account_id', '=', accountId)
    .where('account_deactivations.state', '=', 'completed')
    .where('account_deactivations.forward_until', '>', now)
    .orderBy('account_deactivations.id', 'desc')
    .executeTakeFirst();
  return row && (row.state === 'active' || row.state === 'locked' || row.state === 'deactivating') ? row.id : null;
}

/** Runs `purgeDue` every `intervalMs` (unref'd: never keeps the process alive); returns a stop function. */
export function startPurgeJob(service: DeactivationService, intervalMs: number, onError: (err: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .purgeDue()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
