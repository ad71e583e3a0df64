/**
 * Ending every web session of an account (SPEC Art. 4.1/4.3: "revoke sessions" after a
 * compromise). A domain function, so an incident, the CLI and later the user's own device list
 * call the same code; the HTTP layer only reads `web_sessions` (server/http/session-store.ts),
 * so a revoked cookie is answered 401 on its next request.
 *
 * TODO(credentials): the sessions list/revoke of the credentials work owns web sessions (and
 * app passwords); when it lands, this should delegate to it so IMAP/POP3/SMTP device tokens end too.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/database.js';
import { endSessions } from '../accounts/sign-in.js';

/** Deletes every web session of the account; returns how many there were. */
export async function revokeWebSessions(db: Kysely<Database>, accountId: number): Promise<number> {
  return endSessions(db, accountId);
}

export async function countWebSessions(db: Kysely<Database>, accountId: number): Promise<number> {
  const row = await db.selectFrom('web_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirst();
  return Number(row?.n ?? 0);
}
