/**
 * The POP3 server's limits, each with the reason it has the value it has. `listenPop3` takes
 * these as defaults; tests may lower the timers.
 */
export interface Pop3Limits {
  /**
   * Longest command line accepted, in octets including CRLF. RFC 2449 §4 caps commands at 255
   * octets; we allow 1024 because an `AUTH PLAIN` initial response (RFC 5034 §4) carries the
   * base64 of login + password, and a long pass phrase must not be refused as a syntax error.
   */
  maxLineOctets: number;
  /**
   * Autologout timer. RFC 1939 §3: "at least 10 minutes". Expiry closes the connection
   * without entering the UPDATE state, so nothing marked deleted is removed.
   */
  idleTimeoutMs: number;
  /** Time allowed for a TLS handshake (implicit TLS or after STLS): a stalled one holds a socket. */
  tlsHandshakeTimeoutMs: number;
  /**
   * Simultaneous connections from one IP address. Government offices reach us from behind one
   * NAT address, and Foxmail polls each account with its own connection, so this is high; it
   * only stops one host from exhausting sockets.
   */
  maxConnectionsPerIp: number;
  /** Simultaneous POP3 connections in total on one node (file descriptors, memory). */
  maxConnections: number;
  /**
   * Unknown, malformed or out-of-state commands before the connection is closed (Dovecot does
   * the same): a client that is this confused, or a port scanner, gets nothing more.
   */
  maxBadCommands: number;
  /**
   * Failed logins on one connection before it is closed. AuthService already delays each
   * failure and locks the account; closing as well makes a guesser pay a new TCP (and TLS)
   * handshake per three tries.
   */
  maxAuthFailures: number;
  /**
   * Commands read ahead of the one being answered (RFC 2449 §6.6 PIPELINING). Above this the
   * socket is paused, so a client that pipelines without reading cannot grow our memory.
   */
  maxQueuedCommands: number;
}

export const DEFAULT_POP3_LIMITS: Readonly<Pop3Limits> = Object.freeze({
  maxLineOctets: 1024,
  idleTimeoutMs: 10 * 60_000,
  tlsHandshakeTimeoutMs: 30_000,
  maxConnectionsPerIp: 100,
  maxConnections: 2000,
  maxBadCommands: 20,
  maxAuthFailures: 3,
  maxQueuedCommands: 100,
});
