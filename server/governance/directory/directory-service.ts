/**
 * The organisation directory: units (a tree), accounts, aliases and per-unit distribution
 * lists. Account life-cycle rules beyond creation (application, activation, deactivation) come
 * with the account life-cycle issue; this module holds the rules every path shares: address
 * form, pinyin for the address book, three-role separation, default mailboxes, audit.
 */
import type { Kysely } from 'kysely';
import { pinyin } from 'pinyin-pro';
import type { AuthService } from '../../auth/auth-service.js';
import { checkPasswordPolicy } from '../../auth/passwords.js';
import type { Clock } from '../../platform/clock.js';
import type { MailStore } from '../../mail/mail-store.js';
import { ROLES, type Account, type AccountState, type Database, type Role, type Unit } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChangeFeed } from '../../mail/change-feed.js';
import type { AccountLifecycle } from '../accounts/lifecycle.js';
import { changeAccountState } from '../accounts/state-change.js';

export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'POLICY',
    message: string,
  ) {
    super(message);
  }
}

/** Who is doing it, for the audit log. */
export interface Actor {
  address: string;
  accountId?: number | null;
  ip?: string | null;
  via: 'cli' | 'web' | 'system';
}

const ADDRESS_RE = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
const ADMIN_ROLES: readonly Role[] = ['unit_admin', 'dept_admin', 'security_officer'];

export function pinyinOf(name: string): { full: string; initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' }).map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const words = syllables.filter(Boolean);
  return { full: words.join(' '), initials: words.map((w) => w[0]).join('') };
}

/** 三员分立 (SPEC Art. 1 roles): no account both administers and audits. */
export function checkRoleSeparation(roles: readonly Role[]): void {
  for (const role of roles) if (!(ROLES as readonly string[]).includes(role)) throw new DirectoryError('INVALID', `unknown role: ${role}`);
  if (roles.includes('auditor') && roles.some((r) => ADMIN_ROLES.includes(r))) {
    throw new DirectoryError('POLICY', '三员分立：审计员不能同时担任管理员角色 (an auditor cannot also hold an administrator role)');
  }
}

export interface CreateAccountInput {
  address: string;
  displayName: string;
  unitCode: string;
  roles?: Role[];
  title?: string | null;
  password?: string;
  /** Skip the strength policy (only for generated random passwords that already satisfy it). */
  state?: AccountState;
  quotaBytes?: number;
}

export class DirectoryService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly mail: MailStore,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly options: { domains: string[]; defaultQuotaBytes: number },
    /** The life cycle: the only writer of `accounts.state` (state changes here go through it). */
    private readonly lifecycle: AccountLifecycle,
    private readonly feed: ChangeFeed,
  ) {}

  isLocalDomain(domain: string): boolean {
    return this.options.domains.includes(domain.toLowerCase());
  }

  // ── units ──────────────────────────────────────────────────────────────────────────

  async createUnit(input: { code: string; name: string; parentCode?: string | null; contactAddress?: string | null }, actor: Actor): Promise<Unit> {
    const code = input.code.trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(code)) throw new DirectoryError('INVALID', `unit code must be short lower-case ASCII: ${input.code}`);
    if (!input.name.trim()) throw new DirectoryError('INVALID', 'unit name is empty');
    if (await this.db.selectFrom('units').select('id').where('code', '=', code).executeTakeFirst()) throw new DirectoryError('CONFLICT', `unit exists: ${code}`);
    const parent = input.parentCode ? await this.getUnit(input.parentCode) : null;
    const unit = await this.db
      .insertInto('units')
      .values({ code, name: input.name.trim(), parent_id: parent?.id ?? null, contact_address: input.contactAddress ?? null, created_at: this.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId ?? null, action: 'unit.create', target: code, ip: actor.ip ?? null, protocol: actor.via, details: { name: unit.name, parent: input.parentCode ?? null } });
    return unit;
  }

  async getUnit(code: string): Promise<Unit> {
    const unit = await this.db.selectFrom('units').selectAll().where('code', '=', code.toLowerCase()).executeTakeFirst();
    if (!unit) throw new DirectoryError('NOT_FOUND', `no such unit: ${code}`);
    return unit;
  }

  listUnits(): Promise<Unit[]> {
    return this.db.selectFrom('units').selectAll().orderBy('id').execute();
  }

  /** The unit and every unit below it. */
  async unitSubtreeIds(unitId: number): Promise<number[]> {
    const all = await this.db.selectFrom('units').select(['id', 'parent_id']).execute();
    const out = [unitId];
    for (let i = 0; i < out.length; i++) for (const u of all) if (u.parent_id === out[i]) out.push(u.id);
    return out;
  }

  // ── accounts ───────────────────────────────────────────────────────────────────────

  async createAccount(input: CreateAccountInput, actor: Actor): Promise<Account> {
    const address = input.address.trim().toLowerCase();
    if (!ADDRESS_RE.test(address)) throw new DirectoryError('INVALID', `not a valid address: ${input.address}`);
    const domain = address.split('@')[1]!;
    if (!this.isLocalDomain(domain)) throw new DirectoryError('INVALID', `${domain} is not a local domain (${this.options.domains.join(', ')})`);
    if (await this.addressTaken(address)) throw new DirectoryError('CONFLICT', `address already in use: ${address}`);
    const roles = input.roles?.length ? input.roles : (['staff'] as Role[]);
    checkRoleSeparation(roles);
    const unit = await this.getUnit(input.unitCode);
    const { full, initials } = pinyinOf(input.displayName);
    if (input.password !== undefined) this.assertPolicy(input.password, { address, displayName: input.displayName, pinyin: full });
    const now = this.clock.now();
    const account = await this.db
      .insertInto('accounts')
      .values({
        address,
        display_name: input.displayName.trim(),
        pinyin: full,
        pinyin_initials: initials,
        unit_id: unit.id,
        title: input.title ?? null,
        roles: JSON.stringify(roles),
        state: input.state ?? (input.password ? 'active' : 'pending_activation'),
        password_hash: input.password ? await this.auth.hash(input.password) : null,
        password_changed_at: input.password ? now : null,
        quota_bytes: input.quotaBytes ?? this.options.defaultQuotaBytes,
        used_bytes: 0,
        lockout_count: 0,
        locked_until: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.mail.ensureDefaultMailboxes(account.id);
    if (account.password_hash) await this.auth.rememberPassword(account.id, account.password_hash);
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId ?? null, action: 'account.create', target: address, ip: actor.ip ?? null, protocol: actor.via, details: { unit: unit.code, roles, state: account.state } });
    return account;
  }

  private assertPolicy(password: string, context: { address: string; displayName: string; pinyin: string }): void {
    const violations = checkPasswordPolicy(password, context);
    if (violations.length > 0) throw new DirectoryError('POLICY', violations.map((v) => v.message).join('；'));
  }

  async getAccount(address: string): Promise<Account> {
    const account = await this.db.selectFrom('accounts').selectAll().where('address', '=', address.trim().toLowerCase()).executeTakeFirst();
    if (!account) throw new DirectoryError('NOT_FOUND', `no such account: ${address}`);
    return account;
  }

  async listAccounts(filter: { unitCode?: string } = {}): Promise<(Account & { unit_code: string; unit_name: string })[]> {
    let query = this.db.selectFrom('accounts').innerJoin('units', 'units.id', 'accounts.unit_id').selectAll('accounts').select(['units.code as unit_code', 'units.name as unit_name']);
    if (filter.unitCode) query = query.where('units.code', '=', filter.unitCode.toLowerCase());
    return query.orderBy('accounts.address').execute();
  }

  async setPassword(address: string, password: string, actor: Actor): Promise<void> {
    const account = await this.getAccount(address);
    // The whole policy (SPEC 4.1), including no reuse of the last passwords (auth-service.ts).
    const violations = await this.auth.checkNewPassword(account, password);
    if (violations.length > 0) throw new DirectoryError('POLICY', violations.map((v) => v.message).join('；'));
    const now = this.clock.now();
    const passwordHash = await this.auth.hash(password);
    const setHash = async (db: Kysely<Database>) => {
      await db.updateTable('accounts').set({ password_hash: passwordHash, password_changed_at: now, locked_until: null, lockout_count: 0, updated_at: now }).where('id', '=', account.id).execute();
      await this.auth.rememberPassword(account.id, passwordHash, db);
    };
    if (account.state === 'pending_activation') {
      // An operator setting the first password (CLI `user passwd`) activates the account: through
      // the life cycle, so the transition has its history row, its audit row and its rules.
      await this.lifecycle.transition(account, 'activate', { actor, reason: '管理员设置初始密码 (password set by an operator)', within: (trx) => setHash(trx) });
    } else {
      await setHash(this.db);
    }
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId ?? null, action: 'account.password_set', target: account.address, ip: actor.ip ?? null, protocol: actor.via });
  }

  /**
   * Suspends an account (CLI `govmail user disable`): the life cycle's `suspend` with the reason
   * (history + audit), sessions ended on every protocol — the same code as the console's
   * suspend. Only an active or locked account can be suspended; anything else is
   * IllegalTransition, the console's `account.illegal_transition`.
   */
  async disableAccount(address: string, reason: string, actor: Actor): Promise<void> {
    const account = await this.getAccount(address);
    await changeAccountState({ lifecycle: this.lifecycle, feed: this.feed }, account, 'suspend', reason, actor);
  }

  // ── aliases and lists ───────────────────────────────────────────────────────────────

  async addressTaken(address: string): Promise<boolean> {
    const a = address.toLowerCase();
    const hit =
      (await this.db.selectFrom('accounts').select('id').where('address', '=', a).executeTakeFirst()) ??
      (await this.db.selectFrom('aliases').select('id').where('address', '=', a).executeTakeFirst()) ??
      (await this.db.selectFrom('distribution_lists').select('id').where('address', '=', a).executeTakeFirst());
    return Boolean(hit);
  }

  async addAlias(aliasAddress: string, targetAddress: string, canSendAs: boolean, actor: Actor): Promise<void> {
    const address = aliasAddress.trim().toLowerCase();
    if (!ADDRESS_RE.test(address) || !this.isLocalDomain(address.split('@')[1]!)) throw new DirectoryError('INVALID', `not a local address: ${aliasAddress}`);
    if (await this.addressTaken(address)) throw new DirectoryError('CONFLICT', `address already in use: ${address}`);
    const account = await this.getAccount(targetAddress);
    await this.db.insertInto('aliases').values({ address, account_id: account.id, can_send_as: canSendAs ? 1 : 0, created_at: this.clock.now() }).execute();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId ?? null, action: 'alias.create', target: address, protocol: actor.via, details: { account: account.address, canSendAs } });
  }

  async addUnitList(input: { address: string; displayName: string; unitCode: string; includeSubUnits?: boolean }, actor: Actor): Promise<void> {
    const address = input.address.trim().toLowerCase();
    if (!ADDRESS_RE.test(address) || !this.isLocalDomain(address.split('@')[1]!)) throw new DirectoryError('INVALID', `not a local address: ${input.address}`);
    if (await this.addressTaken(address)) throw new DirectoryError('CONFLICT', `address already in use: ${address}`);
    const unit = await this.getUnit(input.unitCode);
    await this.db.insertInto('distribution_lists').values({ address, display_name: input.displayName, unit_id: unit.id, include_sub_units: input.includeSubUnits === false ? 0 : 1, created_at: this.clock.now() }).execute();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId ?? null, action: 'list.create', target: address, protocol: actor.via, details: { unit: unit.code } });
  }
}
