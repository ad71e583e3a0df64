/**
 * Typed errors of the mail domain. Protocol layers map `code` to their own replies in one place
 * (IMAP: NO [TRYCREATE], NO [OVERQUOTA] …; SMTP: 552 5.2.2; HTTP: the error catalogue).
 */
export type MailErrorCode =
  | 'NONEXISTENT' // no such mailbox or message
  | 'ALREADYEXISTS'
  | 'OVERQUOTA'
  | 'TOOBIG'
  | 'CANNOT' // operation not allowed on this object (delete INBOX, delete a mailbox with children …)
  | 'INVALID_NAME'
  | 'MODIFIED'; // CONDSTORE UNCHANGEDSINCE conflict

export class MailError extends Error {
  override name = 'MailError';
  constructor(
    readonly code: MailErrorCode,
    message: string,
  ) {
    super(message);
  }
}
