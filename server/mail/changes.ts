/**
 * What a mail operation changed. Every domain operation returns its changes; the caller
 * publishes them after commit on the change feed, and IMAP IDLE sessions and the webmail's
 * live updates receive them. Changes are plain JSON so a multi-node deployment can carry the
 * same feed over PostgreSQL LISTEN/NOTIFY (see change-feed.ts).
 */
export type MailChange =
  | { kind: 'mailbox-created'; accountId: number; mailboxId: number; name: string }
  | { kind: 'mailbox-renamed'; accountId: number; mailboxId: number; oldName: string; name: string }
  | { kind: 'mailbox-deleted'; accountId: number; mailboxId: number; name: string }
  | { kind: 'mailbox-subscribed'; accountId: number; mailboxId: number; subscribed: boolean }
  | { kind: 'message-added'; accountId: number; mailboxId: number; uid: number; modseq: number; messageRowId: number }
  | { kind: 'flags-changed'; accountId: number; mailboxId: number; uid: number; modseq: number; flags: string[] }
  | { kind: 'message-expunged'; accountId: number; mailboxId: number; uid: number; modseq: number }
  /** The account may no longer use its mail (locked, suspended, deactivated …): open IMAP/POP3 sessions end (SPEC 3.6). */
  | { kind: 'account-disabled'; accountId: number; state: string }
  /** The password was reset by a one-time link (SPEC 4.1): open IMAP/POP3 sessions end; clients sign in again. */
  | { kind: 'credentials-reset'; accountId: number };
