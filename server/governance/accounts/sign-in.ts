/**
 * Which accounts may sign in (web, IMAP, POP3, SMTP AUTH) — the one rule AuthService and the web
 * session store share (SPEC Art. 2, 3.6):
 *   active        yes
 *   deactivating  yes, when the person was active at the request: they hand over their work
 *                 themselves (confirm important mail, set the auto-reply, export the mailbox).
 *                 A deactivation of a locked or suspended account keeps them out.
 *   anything else no (locked, suspended, deactivated, purged, not yet activated).
 */
import type { Kysely } from 'kysely';
import type { AccountState, Database } from '../../storage/database.js';

export async function signInAllowed(db: Kysely<Database>, account: { id: number; state: AccountState }): Promise<boolean> {
  if (account.state === 'active') return true;
  if (account.state !== 'deactivating') return false;
  const row = await db
    .selectFrom('account_deactivations')
    .select('from_state')
    .where('account_id', '=', account.id)
    .where('state', '=', 'in_progress')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.from_state === 'active';
}

/** Ends every web session of an account (lock, suspend, deactivation, purge). */
export async function endSessions(db: Kysely<Database>, accountId: number): Promise<number> {
  const result = await db.deleteFrom('web_sessions').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
