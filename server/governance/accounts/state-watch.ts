/**
 * Account state changes made by another process (hardening): `govmail user disable` runs as
 * its own process, so the `account-disabled` change it publishes reaches only its own in-process
 * feed, not the running server's IMAP/POP3 sessions (web sessions are rows, deleted in the same
 * transaction, so the web is covered). This watch polls `accounts` for rows that changed to a
 * state without sign-in (locked, suspended, deactivated, purged) since it last looked, and
 * publishes `account-disabled` on the server's feed, so open IMAP (BYE) and POP3 sessions end
 * whoever made the change. A change made in this process is published twice; the sessions have
 * ended at the first. (With PostgreSQL, LISTEN/NOTIFY on the feed makes this unnecessary.)
 */
import type { Kysely } from 'kysely';
import type { ChangeFeed } from '../../mail/change-feed.js';
import type { Clock } from '../../platform/clock.js';
import type { AccountState, Database } from '../../storage/database.js';

const NO_SIGN_IN: AccountState[] = ['locked', 'suspended', 'deactivated', 'purged'];
/** Rows are re-read this far back: a transaction takes its `updated_at` before it commits. */
const OVERLAP_MS = 60_000;

export class AccountStateWatch {
  private since: number;
  private readonly published = new Map<number, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
  ) {
    this.since = clock.now();
  }

  /** One look; returns the ids it announced. */
  async poll(): Promise<number[]> {
    const now = this.clock.now();
    const from = this.since - OVERLAP_MS;
    const rows = await this.db.selectFrom('accounts').select(['id', 'state', 'updated_at']).where('updated_at', '>', from).where('state', 'in', NO_SIGN_IN).execute();
    const announced: number[] = [];
    for (const row of rows) {
      const at = Number(row.updated_at);
      if (this.published.get(row.id) === at) continue;
      this.published.set(row.id, at);
      announced.push(row.id);
      this.feed.publish([{ kind: 'account-disabled', accountId: row.id, state: row.state }]);
    }
    this.since = now;
    for (const [id, at] of this.published) if (at <= from - OVERLAP_MS) this.published.delete(id);
    return announced;
  }

  /** Polls every `intervalMs` until the returned function is called. */
  start(intervalMs: number, onError: (err: unknown) => void): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.poll()
        .catch(onError)
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
