/**
 * The POP3 maildrop over the mail domain: the only POP3 file that imports server/mail. It is
 * the seam the protocol code talks to (the go-imap `Session` idea, for POP3's two states).
 *
 * RFC 1939 §5: the maildrop is a snapshot taken at login. Message numbers 1..n map to the
 * INBOX's messages in UID order and do not change during the session, nor do the sizes
 * (messages are stored with CRLF line endings, so the stored size is the octet count RFC 1939
 * asks for, before byte-stuffing). Messages arriving later are seen by the next session.
 *
 * UIDL (RFC 1939 §7) is `<UIDVALIDITY>.<UID>` of the message in INBOX. It never changes for a
 * message, which is what Foxmail's "leave a copy on server" depends on (a changed UIDL makes
 * it download everything again; a reused one makes it skip a new message):
 *  - a UID is taken once from `mailboxes.uid_next` (`UPDATE … RETURNING`) and never reused,
 *    and a message keeps its UID for as long as it stays in the mailbox (RFC 3501 §2.3.1.1);
 *  - INBOX cannot be deleted, and renaming INBOX moves its messages out and keeps the INBOX
 *    row, so INBOX's UIDVALIDITY never changes in normal life; should INBOX ever be re-created
 *    (a restore), the new UIDVALIDITY is above every earlier one of the account, so no UIDL
 *    from the old mailbox can name a different message — clients fetch again, nothing is lost.
 * A message moved out of INBOX and back is a new message with a new UID, and so a new UIDL.
 * The string is digits and one dot: well inside RFC 1939's 0x21–0x7E, at most 70 characters.
 *
 * UPDATE state (RFC 1939 §6): messages marked with DELE get \Deleted through `storeFlags` and
 * are removed with `expunge` restricted to exactly their UIDs, so a message another client
 * flagged \Deleted is not removed by a POP3 QUIT.
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { MailStore } from '../mail/mail-store.js';
import { uidRangesOf } from '../mail/uid-ranges.js';
import { pop3Errors } from './pop3-errors.js';

export interface MaildropEntry {
  /** RFC 1939 message-number, 1-based. */
  number: number;
  uid: number;
  /** Stored octets (CRLF line endings, before byte-stuffing). */
  size: number;
  uidl: string;
}

interface Slot extends MaildropEntry {
  blobHash: string;
  deleted: boolean;
  seen: boolean;
}

export interface UpdateOutcome {
  /** Messages removed from the INBOX. */
  removed: number;
  /** Messages marked deleted that were already gone (removed by another client meanwhile). */
  missing: number;
}

export class Maildrop {
  private constructor(
    private readonly mail: MailStore,
    readonly accountId: number,
    readonly mailboxId: number,
    private readonly slots: Slot[],
  ) {}

  /** Takes the snapshot of the account's INBOX (RFC 1939 §4, at the move to TRANSACTION). */
  static async open(mail: MailStore, accountId: number): Promise<Maildrop> {
    const inbox = await mail.getMailbox(accountId, 'INBOX');
    const rows = await mail.listMessages(accountId, inbox.id);
    const uidValidity = Number(inbox.uid_validity);
    const slots = rows.map((row, i): Slot => ({
      number: i + 1,
      uid: row.uid,
      size: Number(row.size),
      uidl: `${uidValidity}.${row.uid}`,
      blobHash: row.blob_hash,
      deleted: false,
      seen: row.seen === 1,
    }));
    return new Maildrop(mail, accountId, inbox.id, slots);
  }

  /** STAT: messages not marked deleted, and their octets (RFC 1939 §5). */
  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const slot of this.slots) {
      if (slot.deleted) continue;
      count++;
      octets += slot.size;
    }
    return { count, octets };
  }

  /** LIST / UIDL without argument: every message not marked deleted, in order. */
  entries(): MaildropEntry[] {
    return this.slots.filter((s) => !s.deleted).map(publicEntry);
  }

  /** A message by number; `-ERR` when out of range or marked deleted (RFC 1939 §5). */
  entry(number: number): MaildropEntry {
    return publicEntry(this.slot(number));
  }

  /** DELE (RFC 1939 §5): only marks; nothing changes on the server before UPDATE. */
  markDeleted(number: number): void {
    this.slot(number).deleted = true;
  }

  /** RSET (RFC 1939 §5): unmarks every message. */
  reset(): void {
    for (const slot of this.slots) slot.deleted = false;
  }

  /**
   * Opens a message's stored bytes for RETR/TOP. Checks first that the message is still in
   * INBOX (the webmail or IMAP may have removed it since login) and resolves only once the
   * file is open, so the caller can still answer `-ERR` instead of a broken `+OK`.
   */
  async open(number: number): Promise<{ entry: MaildropEntry; content: Readable }> {
    const slot = this.slot(number);
    const rows = await this.mail.listMessages(this.accountId, this.mailboxId, [{ start: slot.uid, end: slot.uid }]);
    if (rows.length === 0) throw pop3Errors.removedElsewhere();
    const content = this.mail.blobs.stream(slot.blobHash);
    try {
      await once(content, 'ready');
    } catch {
      content.destroy();
      throw pop3Errors.removedElsewhere();
    }
    return { entry: publicEntry(slot), content };
  }

  /**
   * RETR marks the message \Seen, so the webmail shows it as read (TOP does not: it is a
   * preview). Goes through the mail domain, which publishes the change to other sessions.
   */
  async markSeen(number: number): Promise<void> {
    const slot = this.slot(number);
    if (slot.seen) return;
    await this.mail.storeFlags({ accountId: this.accountId, mailboxId: this.mailboxId, uids: [{ start: slot.uid, end: slot.uid }], flags: ['\\Seen'], mode: 'add' });
    slot.seen = true;
  }

  /** RFC 1939 §6 UPDATE: removes exactly the messages marked with DELE. */
  async update(): Promise<UpdateOutcome> {
    const uids = this.slots.filter((s) => s.deleted).map((s) => s.uid);
    if (uids.length === 0) return { removed: 0, missing: 0 };
    const ranges = uidRangesOf(uids);
    await this.mail.storeFlags({ accountId: this.accountId, mailboxId: this.mailboxId, uids: ranges, flags: ['\\Deleted'], mode: 'add' });
    const { value: expunged } = await this.mail.expunge(this.accountId, this.mailboxId, ranges);
    return { removed: expunged.length, missing: uids.length - expunged.length };
  }

  private slot(number: number): Slot {
    const slot = this.slots[number - 1];
    if (!slot) throw pop3Errors.noSuchMessage();
    if (slot.deleted) throw pop3Errors.alreadyDeleted();
    return slot;
  }
}

function publicEntry(slot: Slot): MaildropEntry {
  return { number: slot.number, uid: slot.uid, size: slot.size, uidl: slot.uidl };
}
