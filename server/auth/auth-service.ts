/**
 * One authentication service for SMTP, IMAP, POP3 and the web (SPEC Art. 4.1).
 *
 * - argon2id hashes; an unknown login still costs one hash verification, so timing does not
 *   tell which addresses exist;
 * - lockout: `lockoutThreshold` failures within `lockoutWindowMinutes` lock the account for
 *   `lockoutBaseMinutes`, doubling with each further lockout (capped at 24 h);
 * - growing delay: each failure from the same login or IP in the window adds a pause before the
 *   answer (capped), which slows guessing without locking the legitimate owner out;
 * - every attempt is written to the audit log with protocol, IP, client and outcome;
 * - password expiry (credentials): after `passwordMaxAgeDays`, or when a reset was forced
 *   (incident), IMAP/POP3/SMTP refuse saying why and where to fix it; the web signs in with a
 *   session that may only change the password (`mustChangePassword`), after the TOTP code
 *   when TOTP is on (a forced reset often means the password is known to someone else);
 * - TOTP: the web asks for the code (`totp_required`) once the password is right; IMAP/POP3/SMTP
 *   then accept app passwords only (the main password is refused with `app_password_required`);
 * - a sign-in from a new IP + client pair mails the person (`onNewDevice`).
 */
import type { Kysely } from 'kysely';
import type { GovmailConfig } from '../config/schema.js';
import type { Clock } from '../platform/clock.js';
import type { Account, Database } from '../storage/database.js';
import type { AuditLog } from '../governance/audit/audit-log.js';
import { signInAllowed } from '../governance/accounts/sign-in.js';
import { checkPasswordPolicy, DEFAULT_PASSWORD_POLICY, hashPassword, verifyPassword, violation, type PasswordPolicySettings, type PolicyViolation } from './passwords.js';
import { looksLikeRecoveryCode, normaliseAppPassword, normaliseRecoveryCode, verifyTotp } from './totp.js';

export type AuthProtocol = 'smtp' | 'imap' | 'pop3' | 'web' | 'cli';

export interface AuthAttempt {
  login: string;
  password: string;
  protocol: AuthProtocol;
  ip?: string | null;
  /** What the client says it is (IMAP ID, User-Agent), recorded in the audit row. */
  client?: string | null;
  /** The web's second step: a TOTP code or a recovery code. */
  totp?: string | null;
  /**
   * Re-checking the current password of a signed-in person (password change, TOTP set-up):
   * lockout and audit as usual, but neither TOTP nor expiry is asked, and no device is noted.
   */
  reauth?: boolean;
}

export type AuthFailureReason =
  | 'invalid'
  | 'locked'
  | 'not_activated'
  | 'disabled'
  | 'ip_throttled'
  | 'password_expired'
  | 'password_reset_required'
  | 'app_password_required'
  | 'totp_required'
  | 'totp_invalid';

export type AuthResult =
  | {
      ok: true;
      account: Account;
      /** Web only: the password expired or a reset was forced; the session may only change it. */
      mustChangePassword?: 'expired' | 'forced';
      /** The credential used: the main password or an app password (its id). */
      via: 'password' | 'app_password';
      appPasswordId?: number;
    }
  | { ok: false; reason: AuthFailureReason; message: string; retryAfterMs?: number };

export interface PasswordStatus {
  state: 'ok' | 'expired' | 'forced';
  /** When the password expires (null: never). */
  expiresAt: number | null;
  changedAt: number | null;
  /** The reason a reset was forced (incident), for the forced-change page. */
  forcedReason?: string;
}

export interface EffectivePasswordPolicy extends PasswordPolicySettings {
  maxAgeDays: number;
  reminderDays: number[];
}

/** A sign-in from an IP + client pair the account has not used before. */
export interface NewDeviceEvent {
  account: Account;
  ip: string;
  client: string;
  protocol: AuthProtocol;
  at: number;
}

const MAIL_PROTOCOLS: ReadonlySet<AuthProtocol> = new Set(['imap', 'pop3', 'smtp']);
/** The `settings` row the console's password-policy page writes (over the config defaults). */
export const PASSWORD_POLICY_SETTING = 'auth.password_policy';

/** Messages people see in their client; they say why and where to fix it. */
const MESSAGES: Record<AuthFailureReason, string> = {
  invalid: '用户名或密码错误 (invalid user name or password)',
  locked: '账号因多次密码错误已被临时锁定，请稍后再试或在网页邮箱找回密码 (account temporarily locked after repeated failures)',
  not_activated: '账号尚未激活，请使用激活链接在网页邮箱完成激活 (account not activated yet: use the activation link in the webmail)',
  disabled: '账号已停用，请联系单位信息管理员 (account disabled: contact your unit administrator)',
  ip_throttled: '来自该地址的失败登录过多，请稍后再试 (too many failed logins from this address)',
  password_expired: '密码已过期，请登录网页邮箱修改密码后再使用邮件客户端 (password expired: sign in to the webmail to change it, then use this client again)',
  password_reset_required: '因安全原因须重设密码，请登录网页邮箱修改密码 (a password change is required for security reasons: sign in to the webmail to change it)',
  app_password_required: '账号已开启两步验证，邮件客户端须使用应用专用密码，请在网页邮箱“安全设置”中创建 (two-step verification is on: create an app password in the webmail under 安全设置 and use it in this client)',
  totp_required: '请输入身份验证器中的动态验证码 (enter the code from your authenticator app)',
  totp_invalid: '动态验证码不正确或已使用 (the verification code is wrong or was already used)',
};

const MAX_LOCKOUT_MS = 24 * 60 * 60 * 1000;
const DELAY_STEP_MS = 250;
const MAX_DELAY_MS = 3000;
/** Failures from one IP (any account) in the window before the IP is refused: password spraying. */
const IP_FAILURE_LIMIT = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AuthService {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly settings: GovmailConfig['auth'],
  ) {}

  hash(password: string): Promise<string> {
    return hashPassword(password, { memoryKib: this.settings.argon2MemoryKib, iterations: this.settings.argon2Iterations });
  }

  /** Normalises a login: addresses are case-insensitive; a bare local part means the primary domain. */
  async findAccount(login: string): Promise<Account | undefined> {
    const address = login.trim().toLowerCase();
    if (!address) return undefined;
    const direct = await this.db.selectFrom('accounts').selectAll().where('address', '=', address).executeTakeFirst();
    if (direct) return direct;
    const alias = await this.db
      .selectFrom('aliases')
      .innerJoin('accounts', 'accounts.id', 'aliases.account_id')
      .selectAll('accounts')
      .where('aliases.address', '=', address)
      .executeTakeFirst();
    if (alias) return alias;
    if (!address.includes('@')) {
      return this.db.selectFrom('accounts').selectAll().where('address', 'like', `${address.replace(/[%_]/g, '')}@%`).executeTakeFirst();
    }
    return undefined;
  }

  async authenticate(attempt: AuthAttempt): Promise<AuthResult> {
    const now = this.clock.now();
    const windowStart = now - this.settings.lockoutWindowMinutes * 60_000;
    const ip = attempt.ip ?? null;
    const account = await this.findAccount(attempt.login);

    const fail = async (reason: AuthFailureReason, extra: Record<string, unknown> = {}, retryAfterMs?: number): Promise<AuthResult> => {
      await this.audit.append({
        actor: account?.address ?? attempt.login.slice(0, 200),
        actorAccountId: account?.id ?? null,
        action: 'auth.login',
        outcome: 'failure',
        ip,
        protocol: attempt.protocol,
        details: { reason, client: attempt.client ?? null, ...extra },
      });
      const result: AuthResult = { ok: false, reason, message: MESSAGES[reason] };
      if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
      return result;
    };

    if (ip) {
      const ipFailures = await this.countFailures({ ip }, windowStart);
      if (ipFailures >= IP_FAILURE_LIMIT) return fail('ip_throttled');
    }

    if (account?.locked_until && account.locked_until > now) {
      return fail('locked', {}, account.locked_until - now);
    }

    const mailClient = MAIL_PROTOCOLS.has(attempt.protocol);
    const totp = account && !attempt.reauth ? await this.totpOf(account.id) : undefined;
    let appPasswordId: number | undefined;
    let passwordOk: boolean;
    let mainPasswordWithTotp = false;
    if (account && mailClient && totp) {
      // Two-step verification is on: mail clients get in with an app password only.
      appPasswordId = await this.matchAppPassword(account.id, attempt.password);
      passwordOk = appPasswordId !== undefined;
      if (!passwordOk && account.password_hash && (await verifyPassword(account.password_hash, attempt.password))) mainPasswordWithTotp = true;
    } else {
      passwordOk = account?.password_hash
        ? await verifyPassword(account.password_hash, attempt.password)
        : await verifyPassword(await this.dummy(), attempt.password).then(() => false);
      if (account && !passwordOk && mailClient) {
        appPasswordId = await this.matchAppPassword(account.id, attempt.password);
        passwordOk = appPasswordId !== undefined;
      }
    }
    if (account && mainPasswordWithTotp) return fail('app_password_required');

    if (!account || !passwordOk) {
      await this.db.insertInto('auth_failures').values({ account_id: account?.id ?? null, login: attempt.login.slice(0, 200), ip, at: now }).execute();
      const failures = account ? await this.countFailures({ accountId: account.id }, windowStart) : 0;
      const ipFailures = ip ? await this.countFailures({ ip }, windowStart) : 0;
      let lockedFor: number | undefined;
      if (account && failures >= this.settings.lockoutThreshold) {
        lockedFor = Math.min(this.settings.lockoutBaseMinutes * 60_000 * 2 ** account.lockout_count, MAX_LOCKOUT_MS);
        await this.db
          .updateTable('accounts')
          .set({ locked_until: now + lockedFor, lockout_count: account.lockout_count + 1, updated_at: now })
          .where('id', '=', account.id)
          .execute();
        await this.audit.append({ actor: 'system', action: 'auth.lockout', target: account.address, ip, protocol: attempt.protocol, details: { failures, lockedForMs: lockedFor } });
      }
      await sleep(Math.min(Math.max(failures, ipFailures) * DELAY_STEP_MS, MAX_DELAY_MS));
      return fail('invalid', { failures }, lockedFor);
    }

    if (account.state === 'pending_activation' || account.state === 'approved' || account.state === 'applied') return fail('not_activated');
    // Locked, suspended, deactivated … (governance/accounts/sign-in.ts: the one rule).
    if (!(await signInAllowed(this.db, account))) return fail('disabled', { state: account.state });

    // Expired or forced-reset passwords: mail clients are refused saying why; the web signs in
    // to a session that may only change the password.
    let mustChangePassword: 'expired' | 'forced' | undefined;
    if (!attempt.reauth) {
      const status = await this.passwordStatus(account);
      if (status.state !== 'ok') {
        if (attempt.protocol !== 'web') return fail(status.state === 'forced' ? 'password_reset_required' : 'password_expired');
        mustChangePassword = status.state;
      }
    }

    // The web's second step (TOTP or a recovery code), once the password is known to be right —
    // also when the password must be changed: a forced reset usually means the password is
    // known to someone else, who must not get to set a new one with it alone.
    if (attempt.protocol === 'web' && totp) {
      const code = attempt.totp?.trim();
      if (!code) return { ok: false, reason: 'totp_required', message: MESSAGES.totp_required };
      if (!(await this.verifySecondFactor(account.id, totp, code))) {
        await this.db.insertInto('auth_failures').values({ account_id: account.id, login: attempt.login.slice(0, 200), ip, at: now }).execute();
        return fail('totp_invalid');
      }
    }

    if (account.lockout_count > 0 || account.locked_until) {
      await this.db.updateTable('accounts').set({ lockout_count: 0, locked_until: null }).where('id', '=', account.id).execute();
    }
    await this.db.deleteFrom('auth_failures').where('account_id', '=', account.id).execute();
    await this.audit.append({
      actor: account.address,
      actorAccountId: account.id,
      action: 'auth.login',
      outcome: 'success',
      ip,
      protocol: attempt.protocol,
      details: { client: attempt.client ?? null, ...(appPasswordId !== undefined ? { appPasswordId } : {}), ...(totp && attempt.protocol === 'web' ? { secondFactor: 'totp' } : {}) },
    });
    if (appPasswordId !== undefined) {
      await this.db.updateTable('app_passwords').set({ last_used_at: now, last_used_protocol: attempt.protocol, last_used_ip: ip }).where('id', '=', appPasswordId).execute();
    }
    if (!attempt.reauth && attempt.protocol !== 'cli') await this.noteDevice(account, ip, attempt.client ?? null, attempt.protocol, now);
    const result: AuthResult = { ok: true, account, via: appPasswordId !== undefined ? 'app_password' : 'password' };
    if (appPasswordId !== undefined) result.appPasswordId = appPasswordId;
    if (mustChangePassword) result.mustChangePassword = mustChangePassword;
    return result;
  }

  // ── password policy, history and expiry (SPEC Art. 4.1) ─────────────────────────────────

  /** The policy in force: config defaults, overridden by the console's 密码策略 settings. */
  async passwordPolicy(db: Kysely<Database> = this.db): Promise<EffectivePasswordPolicy> {
    const base: EffectivePasswordPolicy = {
      minLength: this.settings.passwordMinLength ?? DEFAULT_PASSWORD_POLICY.minLength,
      minClasses: this.settings.passwordMinClasses ?? DEFAULT_PASSWORD_POLICY.minClasses,
      historyCount: this.settings.passwordHistory ?? DEFAULT_PASSWORD_POLICY.historyCount,
      maxAgeDays: this.settings.passwordMaxAgeDays ?? 90,
      reminderDays: this.settings.passwordReminderDays ?? [14, 7, 1],
    };
    const row = await db.selectFrom('settings').select('value').where('key', '=', PASSWORD_POLICY_SETTING).executeTakeFirst();
    if (!row) return base;
    try {
      const stored = JSON.parse(row.value) as Partial<EffectivePasswordPolicy>;
      return { ...base, ...stored };
    } catch {
      return base;
    }
  }

  /**
   * Every rule of the policy for a new password of `account`, including no reuse of the last N
   * (the current one and the history). The one check activation, change, reset and CLI share.
   */
  async checkNewPassword(account: Pick<Account, 'id' | 'address' | 'display_name' | 'pinyin' | 'pinyin_initials' | 'password_hash' | 'password_changed_at'>, password: string): Promise<PolicyViolation[]> {
    const policy = await this.passwordPolicy();
    const violations = checkPasswordPolicy(password, { address: account.address, displayName: account.display_name, pinyin: account.pinyin, pinyinInitials: account.pinyin_initials }, policy);
    if (policy.historyCount > 0 && violations.length === 0) {
      const history = await this.db
        .selectFrom('password_history')
        .select('password_hash')
        .where('account_id', '=', account.id)
        .orderBy('id', 'desc')
        .limit(policy.historyCount)
        .execute();
      const hashes = new Set(history.map((h) => h.password_hash));
      // The current password counts once it was really set (not a placeholder before activation).
      if (account.password_hash && account.password_changed_at !== null) hashes.add(account.password_hash);
      for (const stored of hashes) {
        if (await verifyPassword(stored, password)) {
          violations.push(violation('reused', policy));
          break;
        }
      }
    }
    return violations;
  }

  /**
   * Records a newly set password: into the history (keeping the last N), and clears a forced
   * reset. Callers store the hash on the account in the same step (directory, activation, reset).
   */
  async rememberPassword(accountId: number, passwordHash: string, db: Kysely<Database> = this.db): Promise<void> {
    const policy = await this.passwordPolicy(db);
    const now = this.clock.now();
    await db.insertInto('password_history').values({ account_id: accountId, password_hash: passwordHash, created_at: now }).execute();
    const keep = await db.selectFrom('password_history').select('id').where('account_id', '=', accountId).orderBy('id', 'desc').limit(Math.max(policy.historyCount, 1)).execute();
    const oldestKept = keep.at(-1)?.id;
    if (oldestKept !== undefined) await db.deleteFrom('password_history').where('account_id', '=', accountId).where('id', '<', oldestKept).execute();
    await db.deleteFrom('forced_password_resets').where('account_id', '=', accountId).execute();
  }

  /** Whether the account's password has expired or must be reset (incident), and when it expires. */
  async passwordStatus(account: Pick<Account, 'id' | 'password_changed_at' | 'created_at'>): Promise<PasswordStatus> {
    const policy = await this.passwordPolicy();
    const changedAt = account.password_changed_at ?? account.created_at;
    const expiresAt = policy.maxAgeDays > 0 ? changedAt + policy.maxAgeDays * 86_400_000 : null;
    const forced = await this.db.selectFrom('forced_password_resets').select(['reason']).where('account_id', '=', account.id).executeTakeFirst();
    if (forced) return { state: 'forced', expiresAt, changedAt, forcedReason: forced.reason };
    if (expiresAt !== null && this.clock.now() >= expiresAt) return { state: 'expired', expiresAt, changedAt };
    return { state: 'ok', expiresAt, changedAt };
  }

  // ── TOTP and app passwords ──────────────────────────────────────────────────────────

  private async totpOf(accountId: number): Promise<{ secret: string; last_used_step: number | null } | undefined> {
    return this.db.selectFrom('account_totp').select(['secret', 'last_used_step']).where('account_id', '=', accountId).where('enabled_at', 'is not', null).executeTakeFirst();
  }

  /** A TOTP code (once per step) or an unused recovery code (used up). */
  private async verifySecondFactor(accountId: number, totp: { secret: string; last_used_step: number | null }, code: string): Promise<boolean> {
    const step = verifyTotp(totp.secret, code, this.clock.now(), totp.last_used_step);
    if (step !== null) {
      const updated = await this.db
        .updateTable('account_totp')
        .set({ last_used_step: step })
        .where('account_id', '=', accountId)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    }
    if (!looksLikeRecoveryCode(code)) return false;
    const normalised = normaliseRecoveryCode(code);
    const codes = await this.db.selectFrom('recovery_codes').select(['id', 'code_hash']).where('account_id', '=', accountId).where('used_at', 'is', null).execute();
    for (const row of codes) {
      if (await verifyPassword(row.code_hash, normalised)) {
        const used = await this.db.updateTable('recovery_codes').set({ used_at: this.clock.now() }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
        if (Number(used.numUpdatedRows) === 1) {
          await this.audit.append({ actor: 'system', actorAccountId: accountId, action: 'auth.recovery_code_used', details: { remaining: codes.length - 1 } });
          return true;
        }
      }
    }
    return false;
  }

  private async matchAppPassword(accountId: number, password: string): Promise<number | undefined> {
    const compact = normaliseAppPassword(password);
    if (!compact) return undefined;
    const rows = await this.db.selectFrom('app_passwords').select(['id', 'password_hash']).where('account_id', '=', accountId).where('revoked_at', 'is', null).execute();
    for (const row of rows) if (await verifyPassword(row.password_hash, compact)) return row.id;
    return undefined;
  }

  // ── devices ────────────────────────────────────────────────────────────────────────

  /** Called for a sign-in from a new IP + client pair (services.ts wires the alert mail). */
  onNewDevice: ((event: NewDeviceEvent) => Promise<void>) | undefined;

  private async noteDevice(account: Account, ip: string | null, client: string | null, protocol: AuthProtocol, now: number): Promise<void> {
    const key = { ip: ip ?? 'unknown', client: (client ?? protocol).slice(0, 300) };
    const known = await this.db.selectFrom('known_devices').select('id').where('account_id', '=', account.id).where('ip', '=', key.ip).where('client', '=', key.client).executeTakeFirst();
    if (known) {
      await this.db.updateTable('known_devices').set({ last_seen_at: now }).where('id', '=', known.id).execute();
      return;
    }
    // The very first sign-in is no news to the person; every later new pair is.
    const any = await this.db.selectFrom('known_devices').select('id').where('account_id', '=', account.id).limit(1).executeTakeFirst();
    await this.db
      .insertInto('known_devices')
      .values({ account_id: account.id, ip: key.ip, client: key.client, first_seen_at: now, last_seen_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'ip', 'client']).doUpdateSet({ last_seen_at: now }))
      .execute();
    if (!any || !this.settings.newDeviceAlerts || !this.onNewDevice) return;
    try {
      await this.onNewDevice({ account, ip: key.ip, client: key.client, protocol, at: now });
      await this.audit.append({ actor: 'system', action: 'auth.new_device_alert', target: account.address, ip, protocol, details: { client: key.client } });
    } catch (err) {
      // An alert that could not be sent never fails the sign-in; it is audited.
      await this.audit.append({ actor: 'system', action: 'auth.new_device_alert', target: account.address, outcome: 'failure', ip, protocol, details: { error: String(err).slice(0, 200) } });
    }
  }

  private async countFailures(by: { accountId?: number; ip?: string }, since: number): Promise<number> {
    let query = this.db.selectFrom('auth_failures').select((eb) => eb.fn.countAll<number>().as('n')).where('at', '>=', since);
    if (by.accountId !== undefined) query = query.where('account_id', '=', by.accountId);
    if (by.ip !== undefined) query = query.where('ip', '=', by.ip);
    const row = await query.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash('govmail-timing-equaliser');
    return this.dummyHash;
  }
}
