/**
 * Caps on what one message can make the MIME parser build. Mail is attacker-controlled: without
 * them a few kilobytes of nested boundaries could make us build millions of parts or recurse past
 * the JavaScript stack in the code that walks the tree (BODYSTRUCTURE, sections, the webmail).
 */

/**
 * Nesting depth of multipart and message/rfc822 parts (the top-level message is depth 0). A part
 * at this depth is kept as a leaf, its content (nested boundaries and all) becoming its body.
 * Real mail rarely goes past 6 (a forward of a signed mixed/related/alternative message); the
 * hostile corpus has 30 levels, which must still parse. Dovecot's default is 100; 40 keeps every
 * recursive walker (ours and the clients' BODYSTRUCTURE parsers) far from any stack limit.
 */
export const MAX_MIME_DEPTH = 40;

/**
 * Parts in one message, the message itself included. Once reached, no new part starts: the part
 * being read when the cap is hit, and the parts around it, run to the end of the message (as
 * Dovecot's max_total_mime_parts does). Real mail has tens of parts; 10000 bounds the memory a
 * message of nothing but boundary lines can cost (about 2 MB of part objects).
 */
export const MAX_MIME_PARTS = 10_000;

/**
 * Header fields read from one header block. A header of millions of one-letter fields is a way to
 * make every FETCH slow; the fields we need (Content-*, the envelope's) come first in real mail.
 */
export const MAX_HEADER_FIELDS = 10_000;

/** Addresses read from one address header (To of a mass mailing); the rest are dropped. */
export const MAX_ADDRESSES = 10_000;

/**
 * Parameters read from one Content-Type or Content-Disposition field. Real ones have a handful
 * (a long RFC 2231 file name a few dozen segments); the cap bounds the BODYSTRUCTURE a single
 * header line can make us send.
 */
export const MAX_MIME_PARAMS = 1_000;
