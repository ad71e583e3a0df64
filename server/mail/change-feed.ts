/**
 * The change feed: publish after commit, subscribe per account.
 *
 * `InProcessChangeFeed` serves one node. A multi-node deployment implements the same
 * interface over PostgreSQL LISTEN/NOTIFY: `publish` NOTIFYs the JSON changes on a channel,
 * every node LISTENs and fans out to its local subscribers — which is why changes are JSON
 * values and subscribers are keyed by account, not by object references.
 */
import { EventEmitter } from 'node:events';
import type { MailChange } from './changes.js';

export type ChangeListener = (changes: readonly MailChange[]) => void;

export interface ChangeFeed {
  publish(changes: readonly MailChange[]): void;
  /** Returns the function that unsubscribes. */
  subscribe(accountId: number, listener: ChangeListener): () => void;
}

export class InProcessChangeFeed implements ChangeFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open IMAP connection or browser tab: thousands are normal.
    this.emitter.setMaxListeners(0);
  }

  publish(changes: readonly MailChange[]): void {
    const byAccount = new Map<number, MailChange[]>();
    for (const change of changes) {
      const list = byAccount.get(change.accountId) ?? [];
      list.push(change);
      byAccount.set(change.accountId, list);
    }
    for (const [accountId, list] of byAccount) this.emitter.emit(`account:${accountId}`, list);
  }

  subscribe(accountId: number, listener: ChangeListener): () => void {
    const event = `account:${accountId}`;
    const safe: ChangeListener = (changes) => {
      try {
        listener(changes);
      } catch {
        // A failing subscriber (a closed socket) must not stop delivery to the others.
      }
    };
    this.emitter.on(event, safe);
    return () => this.emitter.off(event, safe);
  }
}
