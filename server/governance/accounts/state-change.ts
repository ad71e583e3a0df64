/**
 * The one way an administrator's "lock / unlock / suspend / resume" changes an account, whoever
 * asks: the console (AccountAdministration, after the policy), the CLI (`govmail user disable`,
 * through DirectoryService.disableAccount) and incident responses. It goes through the life cycle
 * (transition table, compare-and-set, history row with the reason, audit row), ends web sessions
 * in the same transaction as the state, and tells open IMAP/POP3 sessions through the feed.
 * An illegal transition is the life cycle's IllegalTransition (HTTP 409
 * `account.illegal_transition`, the CLI prints the same catalogue text).
 */
import type { ChangeFeed } from '../../mail/change-feed.js';
import type { AccountState } from '../../storage/database.js';
import { DirectoryError } from '../directory/directory-service.js';
import type { AccountLifecycle, LifecycleActor } from './lifecycle.js';
import { endSessions } from './sign-in.js';

export type StateAction = 'lock' | 'unlock' | 'suspend' | 'resume';

const REASON_MAX = 500;

/** A reason is required for every administrative action; trimmed, 2–500 characters. */
export function requireReason(reason: string | null | undefined): string {
  const text = (reason ?? '').trim();
  if (text.length < 2) throw new DirectoryError('INVALID', '请填写操作原因 (a reason is required)');
  if (text.length > REASON_MAX) throw new DirectoryError('INVALID', `原因不能超过 ${REASON_MAX} 字`);
  return text;
}

export async function changeAccountState(
  deps: { lifecycle: AccountLifecycle; feed: ChangeFeed },
  account: { id: number; address: string; state: AccountState },
  action: StateAction,
  reasonInput: string,
  who: LifecycleActor,
): Promise<AccountState> {
  const reason = requireReason(reasonInput);
  const details: Record<string, unknown> = {};
  const to = await deps.lifecycle.transition(account, action, {
    actor: who,
    reason,
    within: async (trx) => {
      // The sessions end in the same transaction as the state: no request slips in between.
      if (action === 'lock' || action === 'suspend') details.sessionsEnded = await endSessions(trx, account.id);
      // Unlocking also clears a lockout left by failed logins, so the person can sign in.
      if (action === 'unlock' || action === 'resume') await trx.updateTable('accounts').set({ locked_until: null, lockout_count: 0 }).where('id', '=', account.id).execute();
    },
    details,
  });
  // Open IMAP/POP3 sessions end too (they listen on the account's feed).
  if (action === 'lock' || action === 'suspend') deps.feed.publish([{ kind: 'account-disabled', accountId: account.id, state: action === 'lock' ? 'locked' : 'suspended' }]);
  return to;
}
