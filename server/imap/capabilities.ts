/**
 * The CAPABILITY list by connection state (RFC 3501 §6.1.1, §7.2.1). Before TLS no
 * authentication is offered (LOGINDISABLED, RFC 3501 §6.2.3): passwords never cross the network
 * in clear. IDLE is advertised before login too, because Outlook only uses IDLE when it sees it
 * there (CLIENTS.md).
 */
import type { ConnectionState } from './command-context.js';

const AFTER_LOGIN = [
  'IMAP4rev1',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'UNSELECT',
  'CHILDREN',
  'SPECIAL-USE',
  'XLIST',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'CONDSTORE',
  'ESEARCH',
  'UTF8=ACCEPT',
  // RFC 3516: FETCH BINARY[] and APPEND with literal8 are implemented (fetch.ts, append.ts); a
  // client may only use them when this is advertised — imapflow, for one, appends mail that
  // holds NUL bytes as literal8 only then, and a plain literal with NUL is refused (§4.3).
  'BINARY',
];

export function capabilityList(options: { state: ConnectionState; secure: boolean; appendLimit: number }): string[] {
  if (options.state === 'not-authenticated') {
    const base = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE'];
    if (!options.secure) return [...base, 'STARTTLS', 'LOGINDISABLED'];
    return [...base, 'AUTH=PLAIN', 'AUTH=LOGIN'];
  }
  return [...AFTER_LOGIN, `APPENDLIMIT=${options.appendLimit}`];
}
