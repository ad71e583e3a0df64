/**
 * RFC 2449 §5 CAPA: what we announce depends on the state and on whether TLS is up.
 *
 * On a connection without TLS we announce STLS and no way to log in (neither USER nor SASL),
 * as Dovecot does with disable_plaintext_auth: a client that reads CAPA then knows it must
 * start TLS first, and no password crosses the network in clear. After STLS (RFC 2595 §4) the
 * client asks again and sees USER and SASL PLAIN, and no STLS.
 */
export type Pop3State = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

export function capabilities(state: Pop3State, secure: boolean): string[] {
  const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (state === 'AUTHORIZATION') {
    if (secure) caps.push('USER', 'SASL PLAIN');
    else caps.push('STLS');
  }
  caps.push('IMPLEMENTATION govmail');
  return caps;
}
