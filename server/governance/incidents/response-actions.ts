/**
 * Response actions run from an incident (SPEC Art. 4.3): remove a message from every mailbox,
 * block a sender or domain at the MX, force a password reset, revoke web sessions, lock an
 * account. Each one is audited (who, what, why — the reason is required) and becomes a line of
 * the incident's timeline with its outcome (counts, targets). Authorisation is the caller's
 * (policy.ts: `security.purge_message`, `security.incidents`, `account.reset_password`,
 * `account.revoke_sessions`, `account.lock`).
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { MailStore } from '../../mail/mail-store.js';
import type { Account, Database, SenderBlock } from '../../storage/database.js';
import type { AccountAdministration, AdminActor } from '../accounts/administration.js';
import { resettable, type PasswordResets, type ResetLink } from '../accounts/password-reset.js';
import { addBlock } from '../security/blocklist.js';
import { revokeWebSessions } from '../security/web-sessions.js';
import { IncidentError, REASON_MAX_CHARS, type IncidentActor, type IncidentService } from './incident-service.js';

export interface PurgeOutcome {
  /** Copies removed. */
  count: number;
  /** Distinct accounts that had one. */
  accounts: number;
  by: 'message_id' | 'blob_hash';
  value: string;
}

/** `<id@host>` as stored; people paste it with or without the brackets. */
export function normalizeMessageId(value: string): string {
  const v = value.trim();
  if (!v) return v;
  return v.startsWith('<') && v.endsWith('>') ? v : `<${v.replace(/^<|>$/g, '')}>`;
}

function requireReason(reason: string | null | undefined): string {
  const r = (reason ?? '').trim().slice(0, REASON_MAX_CHARS);
  if (!r) throw new IncidentError('INVALID', '请填写执行此操作的原因');
  return r;
}

export class IncidentResponse {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly mail: MailStore,
    private readonly clock: Clock,
    private readonly incidents: IncidentService,
    private readonly administration: AccountAdministration,
    private readonly resets: PasswordResets,
  ) {}

  /**
   * Removes every copy of the message from every mailbox, by Message-ID or by blob hash (the
   * incident's own unless another is given). Goes through the mail domain, so IMAP sessions get
   * EXPUNGE, the webmail's lists update, quotas are credited and blob references released.
   */
  async purgeMessage(incidentId: number, input: { by: 'message_id' | 'blob_hash'; value?: string | null; reason: string }, who: IncidentActor): Promise<PurgeOutcome> {
    const incident = await this.incidents.requireActionable(incidentId);
    const reason = requireReason(input.reason);
    let value = input.value?.trim() || (input.by === 'message_id' ? incident.message_id : incident.blob_hash) || '';
    if (input.by === 'message_id') value = normalizeMessageId(value);
    if (input.by === 'blob_hash') value = value.toLowerCase();
    if (!value || (input.by === 'blob_hash' && !/^[0-9a-f]{64}$/.test(value)) || (input.by === 'message_id' && value.length < 3)) {
      throw new IncidentError('INVALID', input.by === 'message_id' ? '请提供邮件的 Message-ID' : '请提供 64 位十六进制的邮件哈希');
    }
    const result = await this.mail.purgeEverywhere(input.by === 'message_id' ? { messageId: value } : { blobHash: value });
    const outcome: PurgeOutcome = { count: result.value.length, accounts: new Set(result.value.map((r) => r.accountId)).size, by: input.by, value };
    await this.incidents.event(incidentId, who, 'purge_message', reason, { ...outcome });
    await this.incidents.auditAction(who, 'security.purge_message', incidentId, { reason, ...outcome });
    return outcome;
  }

  /** Blocks a sender address or a whole domain at the MX (550 5.7.1). */
  async blockSender(incidentId: number, input: { pattern: string; reason: string }, who: IncidentActor): Promise<{ block: SenderBlock; created: boolean }> {
    await this.incidents.requireActionable(incidentId);
    const reason = requireReason(input.reason);
    const result = await addBlock(this.db, this.clock, { pattern: input.pattern, reason, createdBy: who.address, incidentId });
    await this.incidents.event(incidentId, who, 'block_sender', reason, { pattern: result.block.pattern, kind: result.block.kind, created: result.created });
    await this.incidents.auditAction(who, 'security.block_sender', incidentId, { reason, pattern: result.block.pattern, kind: result.block.kind, created: result.created });
    return result;
  }

  /**
   * Forces a password reset: the account is marked as having to change its password
   * (`forced_password_resets`: IMAP/POP3/SMTP refuse saying why, the web allows only the change)
   * and its web sessions end, so whoever holds a stolen session is out. The owner is sent a
   * one-time reset link (password-reset.ts: a notice in their INBOX, and the link returned here to
   * hand over by another channel), which clears the mark once used.
   */
  async forcePasswordReset(incidentId: number, account: Pick<Account, 'id' | 'address' | 'state'>, input: { reason: string }, who: IncidentActor): Promise<{ sessionsRevoked: number; resetLink: ResetLink | null }> {
    await this.incidents.requireActionable(incidentId);
    const reason = requireReason(input.reason);
    const now = this.clock.now();
    await this.db
      .insertInto('forced_password_resets')
      .values({ account_id: account.id, incident_id: incidentId, required_by: who.address, reason, required_at: now })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ incident_id: incidentId, required_by: who.address, reason, required_at: now }))
      .execute();
    const sessionsRevoked = await revokeWebSessions(this.db, account.id);
    // No link for an account nobody can sign in to yet or any more (pending activation, closed).
    const resetLink = resettable(account.state) ? await this.resets.issueResetLink(account, who, `${reason}（安全事件 #${incidentId}）`, { incidentId }) : null;
    await this.incidents.event(incidentId, who, 'force_password_reset', reason, { account: account.address, sessionsRevoked, resetLinkSent: resetLink !== null, resetLinkMailed: resetLink?.mailed ?? false });
    await this.incidents.auditAction(who, 'security.force_password_reset', incidentId, { reason, account: account.address, sessionsRevoked, resetLinkSent: resetLink !== null, resetLinkMailed: resetLink?.mailed ?? false });
    return { sessionsRevoked, resetLink };
  }

  /** Ends every web session of the account; the next request with a revoked cookie gets 401. */
  async revokeSessions(incidentId: number, account: Pick<Account, 'id' | 'address'>, input: { reason: string }, who: IncidentActor): Promise<{ revoked: number }> {
    await this.incidents.requireActionable(incidentId);
    const reason = requireReason(input.reason);
    const revoked = await revokeWebSessions(this.db, account.id);
    await this.incidents.event(incidentId, who, 'revoke_sessions', reason, { account: account.address, revoked });
    await this.incidents.auditAction(who, 'security.revoke_sessions', incidentId, { reason, account: account.address, revoked });
    return { revoked };
  }

  /**
   * Locks the account through account administration (the life cycle's active → locked, with
   * its history and audit; anything else is an illegal transition, 409). Administration ends the
   * web sessions in the same transaction and open IMAP/POP3 sessions through the change feed;
   * the policy (`account.lock`) is asked there too.
   */
  async lockAccount(incidentId: number, accountId: number, input: { reason: string }, by: AdminActor): Promise<{ account: Account }> {
    await this.incidents.requireActionable(incidentId);
    const reason = requireReason(input.reason);
    const account = await this.administration.lock(accountId, `${reason}（安全事件 #${incidentId}）`, by);
    await this.incidents.event(incidentId, by.who, 'lock_account', reason, { account: account.address, state: account.state });
    await this.incidents.auditAction(by.who, 'security.lock_account', incidentId, { reason, account: account.address });
    return { account };
  }
}
