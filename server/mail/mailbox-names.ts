/**
 * Mailbox naming rules (RFC 3501 §5.1): `/` is the hierarchy separator, INBOX is
 * case-insensitive, names are stored as Unicode (IMAP's modified UTF-7 is a wire concern).
 */
import { MailError } from './errors.js';

export const SEPARATOR = '/';
export const MAX_NAME_LENGTH = 512;
export const MAX_DEPTH = 16;

/** The special-use folders every account has (RFC 6154), with standard names for clients. */
export const DEFAULT_MAILBOXES: readonly { name: string; specialUse: string | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
];

export function isInbox(name: string): boolean {
  return name.toUpperCase() === 'INBOX';
}

/** Canonical form: INBOX upper-cased (and as the first segment), no empty segments. */
export function normalizeMailboxName(input: string): string {
  const name = input.normalize('NFC');
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new MailError('INVALID_NAME', 'Mailbox name is empty or too long');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f*%]/.test(name)) throw new MailError('INVALID_NAME', 'Mailbox name contains forbidden characters');
  const segments = name.split(SEPARATOR);
  if (segments.some((s) => s.length === 0)) throw new MailError('INVALID_NAME', 'Mailbox name has an empty level');
  if (segments.length > MAX_DEPTH) throw new MailError('INVALID_NAME', 'Mailbox hierarchy is too deep');
  if (isInbox(segments[0]!)) segments[0] = 'INBOX';
  return segments.join(SEPARATOR);
}

export function parentNames(name: string): string[] {
  const segments = name.split(SEPARATOR);
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) out.push(segments.slice(0, i).join(SEPARATOR));
  return out;
}
