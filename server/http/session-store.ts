/**
 * Web sessions in the `web_sessions` table. The browser holds a random 32-byte token; the
 * database holds only its SHA-256, so a copy of the database does not yield live sessions.
 * A session ends on logout, after `http.sessionIdleMinutes` without a request, or when its
 * account stops being active.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import { randomToken, sha256Hex } from '../platform/crypto.js';
import type { Db } from '../storage/connect.js';
import type { Account } from '../storage/database.js';
import { signInAllowed } from '../governance/accounts/sign-in.js';
import { SESSION_TOUCH_INTERVAL_MS, USER_AGENT_MAX_CHARS } from './limits.js';

export interface WebSession {
  tokenHash: string;
  csrfToken: string;
  account: Account;
  createdAt: number;
  lastSeenAt: number;
}

export type SessionLookup = { status: 'active'; session: WebSession } | { status: 'expired' } | { status: 'none' };

/** What `randomToken(32)` produces: 43 base64url characters. Anything else is not ours. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export class WebSessionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {}

  async create(account: Account, client: { ip: string | null; userAgent: string | null }): Promise<{ token: string; session: WebSession }> {
    const now = this.clock.now();
    const token = randomToken(32);
    const session: WebSession = { tokenHash: sha256Hex(token), csrfToken: randomToken(32), account, createdAt: now, lastSeenAt: now };
    await this.db
      .insertInto('web_sessions')
      .values({
        token_hash: session.tokenHash,
        account_id: account.id,
        csrf_token: session.csrfToken,
        ip: client.ip,
        user_agent: client.userAgent?.slice(0, USER_AGENT_MAX_CHARS) ?? null,
        created_at: now,
        last_seen_at: now,
      })
      .execute();
    return { token, session };
  }

  /** Finds the session a cookie names, ending it if it has been idle too long. */
  async find(token: string): Promise<SessionLookup> {
    if (!TOKEN_RE.test(token)) return { status: 'none' };
    const tokenHash = sha256Hex(token);
    const row = await this.db
      .selectFrom('web_sessions')
      .innerJoin('accounts', 'accounts.id', 'web_sessions.account_id')
      .selectAll('accounts')
      .select(['web_sessions.csrf_token', 'web_sessions.created_at as session_created_at', 'web_sessions.last_seen_at'])
      .where('web_sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return { status: 'none' };
    const now = this.clock.now();
    if (now - row.last_seen_at > this.idleMs) {
      await this.delete(tokenHash);
      return { status: 'expired' };
    }
    // Suspended, deactivated, locked by an administrator …: the session ends with the account.
    if (!(await signInAllowed(this.db, row))) {
      await this.delete(tokenHash);
      return { status: 'none' };
    }
    let lastSeenAt = row.last_seen_at;
    if (now - lastSeenAt >= SESSION_TOUCH_INTERVAL_MS) {
      await this.db.updateTable('web_sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
      lastSeenAt = now;
    }
    const { csrf_token, session_created_at, last_seen_at: _lastSeen, ...account } = row;
    return { status: 'active', session: { tokenHash, csrfToken: csrf_token, account, createdAt: session_created_at, lastSeenAt } };
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Deletes every session idle longer than the timeout; returns how many. */
  async sweepIdle(): Promise<number> {
    const cutoff = this.clock.now() - this.idleMs;
    const result = await this.db.deleteFrom('web_sessions').where('last_seen_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfTokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
