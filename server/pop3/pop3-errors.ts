/**
 * Typed POP3 errors, mapped to the wire in one place (`toWire`). A handler throws
 * `new Pop3Error('AUTH', '…')`; anything that is not a Pop3Error is logged by the session and
 * answered with a generic `-ERR [SYS/TEMP]` that leaks nothing.
 *
 * Response codes: RFC 2449 §8 (`IN-USE`, `LOGIN-DELAY`), RFC 3206 (`SYS/TEMP`, `SYS/PERM`,
 * `AUTH`).
 */
export type Pop3ResponseCode = 'AUTH' | 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM';

export class Pop3Error extends Error {
  override name = 'Pop3Error';
  constructor(
    readonly code: Pop3ResponseCode | null,
    message: string,
    /** Counts towards the limit of bad commands (unknown, malformed, out of state). */
    readonly bad = false,
  ) {
    super(message);
  }

  toWire(): string {
    // CR and LF in the text would end the response early and let text pose as a new line.
    const text = this.message.replace(/[\r\n]+/g, ' ');
    return this.code ? `-ERR [${this.code}] ${text}\r\n` : `-ERR ${text}\r\n`;
  }
}

export const pop3Errors = {
  unknownCommand: () => new Pop3Error(null, 'Unknown command', true),
  wrongState: (command: string, state: string) => new Pop3Error(null, `${command} is not allowed in the ${state} state`, true),
  syntax: (usage: string) => new Pop3Error(null, `Syntax: ${usage}`, true),
  lineTooLong: () => new Pop3Error(null, 'Line too long', true),
  tooManyBadCommands: () => new Pop3Error(null, 'Too many bad commands, closing connection'),
  tooManyConnections: () => new Pop3Error('SYS/TEMP', 'Too many connections, try again later'),
  idle: () => new Pop3Error(null, 'Disconnected for inactivity (RFC 1939 autologout)'),
  shuttingDown: () => new Pop3Error('SYS/TEMP', 'Server shutting down'),
  noSuchMessage: () => new Pop3Error(null, 'No such message'),
  alreadyDeleted: () => new Pop3Error(null, 'Message already deleted'),
  // Like Dovecot's disable_plaintext_auth: a password never crosses the network in clear.
  tlsRequired: () => new Pop3Error('SYS/PERM', 'Plaintext authentication disallowed on non-secure connections: use STLS first (请先使用 STLS 加密连接)'),
  alreadyTls: () => new Pop3Error(null, 'TLS is already active'),
  authFailed: (message: string) => new Pop3Error('AUTH', message),
  authCancelled: () => new Pop3Error(null, 'Authentication cancelled'),
  badSasl: () => new Pop3Error(null, 'Invalid SASL response', true),
  proxyAuthRefused: () => new Pop3Error('AUTH', 'Authorization identity must be empty or equal the login'),
  passWithoutUser: () => new Pop3Error(null, 'Send USER first', true),
  unsupportedMechanism: () => new Pop3Error(null, 'Unsupported authentication mechanism; use PLAIN'),
  // RFC 1939 §8 / RFC 2449 §8.1.1: one session per maildrop.
  inUse: () => new Pop3Error('IN-USE', 'Mailbox is in use by another POP3 session (邮箱正被另一个 POP3 会话使用)'),
  removedElsewhere: () => new Pop3Error(null, 'Message was removed by another session'),
  temporary: () => new Pop3Error('SYS/TEMP', 'Internal server error, try again later'),
} as const;

/** Thrown to stop a command whose connection has gone; never answered. */
export class ConnectionClosed extends Error {
  override name = 'ConnectionClosed';
  constructor() {
    super('POP3 connection closed');
  }
}
