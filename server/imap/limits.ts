/**
 * Limits of the IMAP server, each with the reason for its value. The wire codec has its own
 * (line length, nesting, literal size) in wire/limits.ts.
 */
export const IMAP_LIMITS = {
  /** Connections per account. Thunderbird opens up to 5 per account, phones 1–2 more, Outlook 4. */
  connectionsPerUser: 20,
  /** Connections per client IP: a whole office behind one NAT address, but not a flood. */
  connectionsPerIp: 200,
  /** RFC 3501 §5.4: at least 30 minutes of inactivity before an autologout. */
  idleTimeoutMs: 30 * 60_000,
  /** How long an IDLE may last (RFC 2177 asks clients to re-issue within 29 minutes; phones don't). */
  idleCommandTimeoutMs: 24 * 60 * 60_000,
  /** Untagged OK while in IDLE, so NAT boxes and phones keep the connection open. */
  idleKeepaliveMs: 2 * 60_000,
  /** Time allowed for a client that connected to send anything at all (slowloris). */
  preAuthTimeoutMs: 60_000,
  /** Failed authentications on one connection before it is closed. */
  authFailuresPerConnection: 3,
  /** Rows read per database round trip while streaming FETCH over large mailboxes. */
  fetchBatchSize: 500,
  /** Bytes buffered for the client before we wait for the socket to drain. */
  writeHighWaterMark: 1024 * 1024,
} as const;
