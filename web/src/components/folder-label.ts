/**
 * Folder names as people see them: the special-use folders (RFC 6154, plus INBOX) by their
 * Chinese names whatever they are called on disk, the user's own folders by their last path
 * segment (`收文/2026年` shows as 2026年 under 收文).
 */
import type { MailboxView } from '../../../common/schemas/webmail.js';
import type { I18n, MessageKey } from '../i18n/index.js';

const SPECIAL: Record<string, MessageKey> = {
  '\\Inbox': 'folder.inbox',
  '\\Drafts': 'folder.drafts',
  '\\Sent': 'folder.sent',
  '\\Trash': 'folder.trash',
  '\\Junk': 'folder.junk',
  '\\Archive': 'folder.archive',
};

/** Order of the special folders at the top of the tree. */
export const SPECIAL_ORDER = ['\\Inbox', '\\Drafts', '\\Sent', '\\Archive', '\\Junk', '\\Trash'];

export function specialUseOf(mailbox: Pick<MailboxView, 'name' | 'specialUse'>): string | null {
  if (mailbox.specialUse) return mailbox.specialUse;
  return mailbox.name.toUpperCase() === 'INBOX' ? '\\Inbox' : null;
}

export function folderLabel(t: I18n['t'], mailbox: Pick<MailboxView, 'name' | 'specialUse'>): string {
  const special = specialUseOf(mailbox);
  const key = special ? SPECIAL[special] : undefined;
  if (key) return t(key);
  const segments = mailbox.name.split('/');
  return segments[segments.length - 1] || mailbox.name;
}

export function findSpecial(mailboxes: readonly MailboxView[] | undefined, specialUse: string): MailboxView | undefined {
  return mailboxes?.find((m) => specialUseOf(m) === specialUse);
}
