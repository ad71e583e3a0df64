/**
 * Mailbox names on the wire (RFC 3501 §5.1.3 modified UTF-7) ↔ the Unicode names of the mail
 * store. After `ENABLE UTF8=ACCEPT` (RFC 6855 §3) names travel as UTF-8 and Thunderbird sends
 * `&` unencoded, so decoding then is the identity.
 */
import { bad } from './imap-error.js';
import { decodeMutf7, encodeMutf7 } from './wire/mutf7.js';
import { astringValue, type ImapValue } from './wire/values.js';
import { imapString, type Part } from './format.js';

export function mailboxArg(value: ImapValue | undefined, utf8: boolean): string {
  const raw = astringValue(value);
  if (raw === undefined) throw bad('Missing or invalid mailbox name');
  if (raw.toUpperCase() === 'INBOX') return 'INBOX';
  if (utf8) return raw;
  // Clients that never ENABLE UTF8=ACCEPT still sometimes send raw UTF-8: accept it as is.
  if (/[^\x20-\x7e]/.test(raw)) return raw;
  const decoded = decodeMutf7(raw);
  if (!decoded.ok) throw bad(`Invalid mailbox name: ${decoded.error.text}`);
  return decoded.value;
}

export function mailboxName(name: string, utf8: boolean): Part[] {
  return imapString(utf8 ? name : encodeMutf7(name));
}
