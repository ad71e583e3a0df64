/**
 * Administrator password reset by one-time link (SPEC Art. 4.1: "administrators never see one,
 * only send a reset. Never a default password.").
 *
 * - `issueResetLink`: a random 32-byte token; the database keeps only its SHA-256 (a copy of the
 *   database yields no usable link). It expires after `auth.resetLinkHours`; any earlier unused
 *   link of the account stops working. The link reaches the person twice: a notice in their
 *   INBOX through the mail domain (IMAP and the webmail see it arrive), and once on the issuing
 *   administrator's screen to hand over by another channel — the person may be locked out of
 *   their mailbox. Audited with who, whom and why; the token itself is never logged.
 * - `consumeResetLink`: single use (compare-and-set on `used_at` in the transaction that sets
 *   the password), expiry by the injected clock, the work-ID number asked when the account has
 *   one on record (activation asks for it too, so a forwarded link alone is not enough), the one
 *   policy check (AuthService.checkNewPassword, history included). Then the password is set, the
 *   forced-reset / expiry gate cleared (rememberPassword, password_changed_at), lockout counters
 *   and recorded failures cleared, every web session ended, and open IMAP/POP3 sessions closed
 *   (a `credentials-reset` change on the feed; IMAP says BYE with the reason).
 *
 * Permissions (`account.reset_password`) are asked by the callers (console route, incident
 * response) through policy.ts; this module does the rest the same way for all of them.
 */
import type { Kysely } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { AuthService } from '../../auth/auth-service.js';
import type { PolicyViolation } from '../../auth/passwords.js';
import type { ChangeFeed } from '../../mail/change-feed.js';
import type { MailStore } from '../../mail/mail-store.js';
import { parseMessageFields } from '../../mail/message-fields.js';
import type { Clock } from '../../platform/clock.js';
import { randomToken, sha256Hex } from '../../platform/crypto.js';
import type { Account, AccountState, Database } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import { DirectoryError } from '../directory/directory-service.js';
import type { LifecycleActor } from './lifecycle.js';
import { endSessions } from './sign-in.js';
import { requireReason } from './state-change.js';

const HOUR_MS = 60 * 60 * 1000;
/** base64url of 32 random bytes. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/**
 * States in which a reset makes sense: the person exists and may (again) sign in. A pending
 * account is activated by its activation link instead; closed accounts have no one to reset for.
 * A locked or suspended account may get a new password but stays locked until an admin unlocks it.
 */
const RESETTABLE: ReadonlySet<AccountState> = new Set(['active', 'locked', 'suspended', 'deactivating']);

/** Whether an account in `state` can be sent a reset link. */
export function resettable(state: AccountState): boolean {
  return RESETTABLE.has(state);
}

export class PasswordResetError extends Error {
  override name = 'PasswordResetError';
  constructor(
    readonly code: 'invalid' | 'expired' | 'work_id' | 'policy',
    readonly violations: PolicyViolation[] = [],
  ) {
    super(code === 'policy' ? violations.map((v) => v.message).join('；') : `password reset refused: ${code}`);
  }
}

export interface ResetLink {
  /** `/reset/<token>`: works on whichever host the person opens. */
  path: string;
  url: string;
  expiresAt: number;
  /** Whether the notice reached the person's INBOX (it may be over quota or gone). */
  mailed: boolean;
}

export interface ResetTarget {
  account: Account;
  expiresAt: number;
  /** The account has a work-ID number on record: the reset page asks for it. */
  asksWorkId: boolean;
}

export interface PasswordResetConfig {
  resetLinkHours: number;
  /** Base of the links (config `onboarding.publicUrl`, else https://<hostname>). */
  publicUrl: string;
  /** From of the notice mail. */
  noticeFrom: string;
}

/** `zhangwei@haining.gov.cn` → `zh***@haining.gov.cn`: enough to recognise, not to harvest (not even the length). */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at);
  return `${local.slice(0, local.length <= 2 ? 1 : 2)}***${domain}`;
}

export class PasswordResets {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly mail: MailStore,
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
    private readonly config: PasswordResetConfig,
  ) {}

  /**
   * A new one-time reset link for `account`, issued by `actor` for `reason`; earlier unused links
   * of the account stop working. The caller has authorised `account.reset_password`.
   */
  async issueResetLink(account: Pick<Account, 'id' | 'address'>, actor: LifecycleActor, reasonInput: string, options: { incidentId?: number } = {}): Promise<ResetLink> {
    const reason = requireReason(reasonInput);
    const current = await this.db.selectFrom('accounts').selectAll().where('id', '=', account.id).executeTakeFirst();
    if (!current) throw new DirectoryError('NOT_FOUND', '账号不存在');
    if (current.state === 'pending_activation') throw new DirectoryError('INVALID', '账号尚未激活，请重新发放激活链接 (not activated yet: re-issue the activation link)');
    if (!RESETTABLE.has(current.state)) throw new DirectoryError('INVALID', '账号已注销，不能重设密码 (account closed)');
    const token = randomToken(32);
    const now = this.clock.now();
    const expiresAt = now + this.config.resetLinkHours * HOUR_MS;
    const revoked = await this.db.transaction().execute(async (trx) => {
      const earlier = await trx.updateTable('password_reset_tokens').set({ revoked_at: now }).where('account_id', '=', current.id).where('used_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
      await trx.insertInto('password_reset_tokens').values({ account_id: current.id, token_hash: sha256Hex(token), created_by: actor.address, reason, created_at: now, expires_at: expiresAt, used_at: null, revoked_at: null }).execute();
      return Number(earlier.numUpdatedRows);
    });
    const base = this.config.publicUrl.replace(/\/+$/, '');
    const link = { path: `/reset/${token}`, url: `${base}/reset/${token}`, expiresAt };
    const mailed = await this.mailNotice(current, link).then(
      () => true,
      () => false, // over quota or no INBOX: the admin's copy of the link still reaches the person
    );
    await this.audit.append({
      actor: actor.address,
      actorAccountId: actor.accountId ?? null,
      action: 'account.password_reset_link',
      target: current.address,
      ip: actor.ip ?? null,
      protocol: actor.via,
      // Who, whom (target), why; where the link went. The token is never logged.
      details: { reason, expiresAt, mailed, handedTo: actor.address, revokedEarlier: revoked, ...(options.incidentId !== undefined ? { incidentId: options.incidentId } : {}) },
    });
    return { ...link, mailed };
  }

  /** The account a link resets, or PasswordResetError (invalid / used / replaced / expired). */
  async resetTarget(token: string): Promise<ResetTarget> {
    if (!TOKEN_PATTERN.test(token)) throw new PasswordResetError('invalid');
    const row = await this.db.selectFrom('password_reset_tokens').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
    if (!row || row.used_at !== null || row.revoked_at !== null) throw new PasswordResetError('invalid');
    if (row.expires_at <= this.clock.now()) throw new PasswordResetError('expired');
    const account = await this.db.selectFrom('accounts').selectAll().where('id', '=', row.account_id).executeTakeFirst();
    if (!account || !RESETTABLE.has(account.state)) throw new PasswordResetError('invalid');
    const profile = await this.db.selectFrom('account_profiles').select('work_id').where('account_id', '=', account.id).executeTakeFirst();
    return { account, expiresAt: row.expires_at, asksWorkId: Boolean(profile?.work_id?.trim()) };
  }

  /**
   * Sets the new password through the link (single use). Refuses a wrong work-ID number (audited
   * as a failure; the link stays usable until it expires) and a password against the policy.
   */
  async consumeResetLink(token: string, input: { workIdNumber?: string | null; newPassword: string }, client: { ip: string | null } = { ip: null }): Promise<Account> {
    const { account, asksWorkId } = await this.resetTarget(token);
    if (asksWorkId) {
      const profile = await this.db.selectFrom('account_profiles').select('work_id').where('account_id', '=', account.id).executeTakeFirstOrThrow();
      const given = (input.workIdNumber ?? '').trim().toUpperCase();
      if (!given || given !== (profile.work_id ?? '').trim().toUpperCase()) {
        await this.audit.append({ actor: account.address, actorAccountId: account.id, action: 'account.password_reset', outcome: 'failure', target: account.address, ip: client.ip, protocol: 'web', details: { reason: 'work_id' } });
        throw new PasswordResetError('work_id');
      }
    }
    const violations = await this.auth.checkNewPassword(account, input.newPassword);
    if (violations.length > 0) throw new PasswordResetError('policy', violations);
    const hash = await this.auth.hash(input.newPassword);
    const tokenHash = sha256Hex(token);
    const sessionsEnded = await this.db.transaction().execute(async (trx) => {
      const now = this.clock.now();
      const used = await trx.updateTable('password_reset_tokens').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw new PasswordResetError('invalid');
      await trx.updateTable('accounts').set({ password_hash: hash, password_changed_at: now, locked_until: null, lockout_count: 0, updated_at: now }).where('id', '=', account.id).execute();
      // History (no reuse next time) and the forced-reset gate cleared.
      await this.auth.rememberPassword(account.id, hash, trx);
      await trx.deleteFrom('auth_failures').where('account_id', '=', account.id).execute();
      return endSessions(trx, account.id);
    });
    // Whoever holds an open IMAP/POP3 session (a stolen password) is out too; clients sign in again.
    this.feed.publish([{ kind: 'credentials-reset', accountId: account.id }]);
    await this.audit.append({ actor: account.address, actorAccountId: account.id, action: 'account.password_reset', target: account.address, ip: client.ip, protocol: 'web', details: { via: 'reset_link', sessionsEnded } });
    return account;
  }

  /** The notice with the link, into the person's INBOX through the mail domain. */
  private async mailNotice(account: Account, link: { url: string; expiresAt: number }): Promise<void> {
    const until = new Date(link.expiresAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
    const text = [
      `${account.display_name}，您好：`,
      '',
      '管理员为您的公务邮箱账号发出了重设密码链接。请在下列时间前打开链接，设置一个符合密码策略的新密码：',
      '',
      link.url,
      '',
      `链接一次有效，${until} 前使用；设置时须核对您的工作证号（如有登记）。`,
      '设置新密码后，您在所有设备上的登录（网页邮箱和邮件客户端）都将退出，请使用新密码重新登录；邮件客户端如使用应用专用密码，重新连接即可。',
      '',
      '如果您没有申请重设密码，请立即联系单位信息管理员或在网页邮箱“报告安全事件”。',
      '',
      '海宁市公务电子邮箱',
    ];
    const raw = await new MailComposer({
      from: { name: '公务邮箱系统', address: this.config.noticeFrom },
      to: account.address,
      subject: '重设密码链接（一次有效）',
      text: lines(text),
      date: new Date(this.clock.now()),
      headers: { 'Auto-Submitted': 'auto-generated' },
      newline: 'win',
    })
      .compile()
      .build();
    const inbox = await this.mail.getMailbox(account.id, 'INBOX');
    const blobHash = await this.mail.blobs.put(raw);
    const fields = await parseMessageFields(raw);
    await this.mail.append({ blobHash, size: raw.length, fields }, { accountId: account.id, mailboxId: inbox.id });
  }
}

function lines(text: string[]): string {
  return text.join('\n');
}
