/** Which copy of important mail is a recipient's (and so gets the banner and counts as opened). */
import type { OwnedMessage } from './owned.js';

/** A copy in Sent or Drafts is the sender's own, not a received one. */
export function isRecipientCopy(row: Pick<OwnedMessage, 'special_use'>): boolean {
  return row.special_use !== '\\Sent' && row.special_use !== '\\Drafts';
}
