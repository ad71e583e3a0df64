/**
 * One authentication service for SMTP, IMAP, POP3 and the web (SPEC Art. 4.1).
 *
 * - argon2id hashes; an unknown login still costs one hash verification, so timing does not
 *   tell which addresses exist;
 * - lockout: `lockoutThreshold` failures within `lockoutWindowMinutes` lock the account for
 *   `lockoutBaseMinutes`, doubling with each further lockout (capped at 24 h);
 * - growing delay: each failure from the same login or IP in the window adds a pause before the
 *   answer (capped), which slows guessing without locking the legitimate owner out;
 * - every attempt is written to the audit log with protocol, IP, client and outcome.
 */
import type { Kysely } from 'kysely';
import type { GovmailConfig } from '../config/schema.js';
import type { Clock } from '../platform/clock.js';
import type { Account, Database } from '../storage/database.js';
import type { AuditLog } from '../governance/audit/audit-log.js';
import { signInAllowed } from '../governance/accounts/sign-in.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type AuthProtocol = 'smtp' | 'imap' | 'pop3' | 'web' | 'cli';

export interface AuthAttempt {
  login: string;
  password: string;
  protocol: AuthProtocol;
  ip?: string | null;
  /** What the client says it is (IMAP ID, User-Agent), recorded in the audit row. */
  client?: string | null;
}

export type AuthFailureReason = 'invalid' | 'locked' | 'not_activated' | 'disabled' | 'ip_throttled';

export type AuthResult =
  | { ok: true; account: Account }
  | { ok: false; reason: AuthFailureReason; message: string; retryAfterMs?: number };

/** Messages people see in their client; they say why and where to fix it. */
const MESSAGES: Record<AuthFailureReason, string> = {
  invalid: '用户名或密码错误 (invalid user name or password)',
  locked: '账号因多次密码错误已被临时锁定，请稍后再试或在网页邮箱找回密码 (account temporarily locked after repeated failures)',
  not_activated: '账号尚未激活，请使用激活链接在网页邮箱完成激活 (account not activated yet: use the activation link in the webmail)',
  disabled: '账号已停用，请联系单位信息管理员 (account disabled: contact your unit administrator)',
  ip_throttled: '来自该地址的失败登录过多，请稍后再试 (too many failed logins from this address)',
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

    const passwordOk = account?.password_hash
      ? await verifyPassword(account.password_hash, attempt.password)
      : await verifyPassword(await this.dummy(), attempt.password).then(() => false);

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
      details: { client: attempt.client ?? null },
    });
    return { ok: true, account };
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
