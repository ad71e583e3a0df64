/**
 * The one error type of our IMAP server (the go-imap model): `{ type, code, text }`, turned into
 * a tagged `NO`/`BAD` reply in exactly one place (server.ts). Anything else thrown by a command
 * is logged and answered `NO [SERVERBUG]` without detail.
 */
export type ImapResponseCode =
  | 'ALERT'
  | 'ALREADYEXISTS'
  | 'AUTHENTICATIONFAILED'
  | 'AUTHORIZATIONFAILED'
  | 'CANNOT'
  | 'CLIENTBUG'
  | 'EXPIRED'
  | 'EXPUNGEISSUED'
  | 'INUSE'
  | 'LIMIT'
  | 'NONEXISTENT'
  | 'NOPERM'
  | 'OVERQUOTA'
  | 'PRIVACYACCT'
  | 'SERVERBUG'
  | 'TOOBIG'
  | 'TRYCREATE'
  | 'UNAVAILABLE'
  | 'BADCHARSET'
  | 'CONTACTADMIN'
  | 'UNKNOWN-CTE'
  | 'MODIFIED';

export class ImapError extends Error {
  override name = 'ImapError';
  constructor(
    readonly type: 'NO' | 'BAD',
    readonly code: ImapResponseCode | null,
    readonly text: string,
  ) {
    super(text);
  }
}

export const no = (code: ImapResponseCode | null, text: string) => new ImapError('NO', code, text);
export const bad = (text: string, code: ImapResponseCode | null = null) => new ImapError('BAD', code, text);
