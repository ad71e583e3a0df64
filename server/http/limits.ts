/** Caps of the HTTP layer, each with the reason for its value. */

/**
 * Largest request body the API parses, in bytes. JSON commands are small; routes that take
 * uploads (attachments, imports) raise it for themselves. 1 MiB.
 */
export const API_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Login attempts per client IP per minute. A person who mistypes needs a few; the
 * authentication service's own lockout (per account) and per-IP failure limit stop guessing.
 * This cap bounds the argon2 work one address can make the server do (each attempt costs one
 * memory-hard hash, even for unknown addresses).
 */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/**
 * `last_seen_at` of a session is written at most this often, so an active page does not turn
 * every request into a database write; the idle timeout is therefore exact to within a minute.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** Longest User-Agent stored with a session or in the audit log. */
export const USER_AGENT_MAX_CHARS = 500;

// ── webmail ─────────────────────────────────────────────────────────────────────────────

/**
 * Characters of a message's HTML that are sanitised and shown. The allow-list parser is linear
 * but not free (about 1 s for 10 MB); no official mail has 2 million characters of markup, a
 * hostile one could. The rest is cut (the original stays downloadable as the raw source).
 */
export const MAX_DISPLAY_HTML_CHARS = 2_000_000;

/**
 * Attachments whose encoded body is up to this many bytes are decoded to report their exact
 * size when a message is opened; larger ones are estimated from the encoded size, so opening a
 * message with a 50 MB attachment does not decode it. 1 MiB.
 */
export const MAX_EXACT_SIZE_DECODE_BYTES = 1024 * 1024;

/**
 * Seconds between SSE heartbeat comments on /api/events: below the 30–60 s after which proxies
 * and load balancers drop a quiet connection, and how soon a dead one is noticed.
 */
export const EVENTS_HEARTBEAT_MS = 25_000;

/**
 * Open /api/events streams per account. A person has a few tabs and devices; the cap bounds
 * the sockets and feed subscriptions one stolen session can hold open.
 */
export const EVENTS_STREAMS_PER_ACCOUNT = 20;

/** Directory matches returned for one query: an autocomplete list, not a browser. */
export const DIRECTORY_RESULTS = 20;

/** Characters of a directory query: longer ones cannot be a name, pinyin or address. */
export const DIRECTORY_QUERY_MAX_CHARS = 100;

/**
 * Uploads not used by a send for this long are deleted (checked when the same account uploads
 * again). A draft keeps its attachments' upload ids, so a week covers a draft left over a
 * long weekend and a holiday.
 */
export const UPLOAD_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Password change attempts per client IP per minute: each one costs an argon2 verification. */
export const PASSWORD_CHANGES_PER_MINUTE = 5;

