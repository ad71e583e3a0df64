/** Mailboxes as the folder tree shows them. */
import type { MailboxView } from '../../../common/schemas/webmail.js';
import { isInbox } from '../../mail/mailbox-names.js';
import type { Mailbox } from '../../storage/database.js';

/** The order of the standard folders; the account's own follow by name. */
const FOLDER_ORDER = ['\\Inbox', '\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive'];

export function specialUseOf(mailbox: Pick<Mailbox, 'name' | 'special_use'>): string | null {
  return isInbox(mailbox.name) ? '\\Inbox' : mailbox.special_use;
}

export function presentMailbox(mailbox: Mailbox, counts: { total: number; unread: number } = { total: 0, unread: 0 }): MailboxView {
  return { id: mailbox.id, name: mailbox.name, specialUse: specialUseOf(mailbox), total: counts.total, unread: counts.unread };
}

export function sortMailboxViews(views: MailboxView[]): MailboxView[] {
  const rank = (v: MailboxView) => {
    const i = v.specialUse ? FOLDER_ORDER.indexOf(v.specialUse) : -1;
    return i < 0 ? FOLDER_ORDER.length : i;
  };
  return views.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
