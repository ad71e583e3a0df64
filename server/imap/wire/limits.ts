/**
 * Caps on what one IMAP client may make the wire codec hold or do. Each is a default: the
 * command reader takes overrides in its options, so a test can use tiny values and the server
 * can pass its configured message size limit.
 */

/**
 * Bytes of command text in one command, literals excluded, summed over all its lines.
 * RFC 7162 §4 asks clients to keep command lines under 8192 octets and servers to accept at
 * least that; 64 KiB leaves room for the long UID sets some clients build after a resync
 * while bounding what a client can make us buffer before we see a CRLF.
 */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Largest literal accepted for APPEND: the platform's message size limit. The server passes
 * its own configured value (and advertises it as APPENDLIMIT, RFC 7889) — this is the default.
 */
export const MAX_LITERAL_SIZE = 50 * 1024 * 1024;

/**
 * Largest literal accepted by any command other than APPEND. A password, a mailbox name or a
 * search phrase never needs more, and it keeps a client that has not even logged in from
 * making us buffer megabytes with `a LOGIN {50000000+}` (LITERAL+ gives us no chance to say no).
 */
export const MAX_ARGUMENT_LITERAL_SIZE = 64 * 1024;

/**
 * Largest over-limit non-synchronising literal we read and throw away to stay in step with the
 * client. RFC 7888 §4 lets the server either discard such a literal or close the connection;
 * past this size discarding is pointless traffic, so the reader reports a fatal error instead.
 */
export const MAX_LITERAL_SKIP = 256 * 1024 * 1024;

/**
 * Depth of nested parentheses (and `[...]` sections). The deepest legitimate command,
 * `FETCH 1 (BODY.PEEK[HEADER.FIELDS (A B)])`, needs 3; SEARCH groups a handful more. The cap
 * keeps recursive consumers (search parser, encoder) far from the JavaScript stack limit.
 */
export const MAX_NESTING_DEPTH = 32;

/**
 * Values (atoms, strings, literals, lists…) in one command. A 64 KiB line holds at most ~32k;
 * nothing real comes close to 10k (a SEARCH with a few hundred keys is already unusual), and
 * every value is a JavaScript object the server must walk.
 */
export const MAX_ARGUMENTS = 10_000;

/**
 * Ranges in one sequence set (`1:3,7,9:*` has three). Clients send long UID lists after a
 * resync, but the line limit already bounds them near 20k; the cap is defence in depth for
 * sets built from other sources.
 */
export const MAX_SEQUENCE_RANGES = 20_000;

/**
 * Depth of NOT / OR / parenthesised groups in a SEARCH program. `NOT NOT NOT …` needs no
 * parentheses, so the nesting cap above does not bound it; recursion past this would only
 * serve to exhaust the stack.
 */
export const MAX_SEARCH_DEPTH = 64;
