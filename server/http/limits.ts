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
