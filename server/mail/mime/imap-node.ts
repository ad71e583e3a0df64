/**
 * The values ENVELOPE and BODY/BODYSTRUCTURE are made of (RFC 3501 §4 data formats), as plain
 * data the IMAP encoder (server/imap/wire) serialises. This folder builds them; it never writes
 * wire text itself, so it stays free of any dependency on the protocol layer.
 *
 * - `null`   NIL
 * - `number` a number (sizes, line counts)
 * - `string` a string of 7-bit octets without NUL, CR or LF: the encoder may send it quoted
 *            (escaping `"` and `\`) or as a literal
 * - `Buffer` raw octets that may hold 8-bit bytes (raw UTF-8 or GBK header text, RFC 6532) or a
 *            CR: the encoder sends a literal unless the octets happen to be quotable. Never NUL
 *            (RFC 3501 §4.3 forbids it in a literal): a NUL in a header becomes U+FFFD
 * - array    a parenthesised list, items separated by one space
 * - `{ concat }` items written one after another with nothing between them and no parentheses of
 *            their own. RFC 3501 §9 has two such places: an address list is `"(" 1*address ")"`
 *            and a multipart body `"(" 1*body SP media-subtype …")"`, so `((a)(b))`, not
 *            `((a) (b))` (Dovecot, Cyrus and Gmail all write it so; lenient clients accept both,
 *            strict ones need it). An address list is `[{ concat: addresses }]`.
 */
export type ImapNode = null | string | Buffer | number | ImapNode[] | ImapConcat;

export interface ImapConcat {
  concat: ImapNode[];
}

/** An IMAP `string`: 7-bit text as a JS string, anything else as the octets themselves. */
export type ImapString = string | Buffer;

/** Whether every octet may appear in an IMAP quoted string (RFC 3501 §9 QUOTED-CHAR, TEXT-CHAR). */
export function isQuotable(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || b === 0x0a || b === 0x0d || b > 0x7f) return false;
  }
  return true;
}

const REPLACEMENT_CHARACTER = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Bytes as an ImapString: a JS string when quotable, else a copy of the octets (a copy, so a
 * structure kept in a cache never pins the whole raw message in memory), NULs replaced by U+FFFD
 * as Dovecot does.
 */
export function toImapString(bytes: Uint8Array): ImapString {
  const buffer = Buffer.from(bytes);
  if (isQuotable(buffer)) return buffer.toString('latin1');
  if (buffer.indexOf(0) < 0) return buffer;
  const pieces: Buffer[] = [];
  let start = 0;
  for (let nul = buffer.indexOf(0); nul >= 0; nul = buffer.indexOf(0, start)) {
    pieces.push(buffer.subarray(start, nul), REPLACEMENT_CHARACTER);
    start = nul + 1;
  }
  pieces.push(buffer.subarray(start));
  return Buffer.concat(pieces);
}
