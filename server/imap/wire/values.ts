/**
 * The values a client command is made of (RFC 3501 §4 data formats, §9 grammar), and small
 * accessors the command handlers use to read arguments without caring how the client chose to
 * send them (an astring may arrive as an atom, a quoted string or a literal).
 */

/**
 * A bare word: command keywords, flags (`\Seen`), sequence sets (`1:*,3`), LIST patterns
 * (`INBOX/%`), mailbox names sent unquoted (`[Gmail]/Sent`). Always 7-bit printable ASCII.
 */
export interface ImapAtom {
  type: 'atom';
  value: string;
}

/** An atom made only of digits and small enough for a double; `raw` keeps leading zeros. */
export interface ImapNumber {
  type: 'number';
  value: number;
  raw: string;
}

/** The atom NIL in any case; `raw` is kept because a mailbox may be called `Nil`. */
export interface ImapNil {
  type: 'nil';
  raw: string;
}

/**
 * A quoted string, escapes removed. 7-bit, or valid UTF-8 (RFC 6855 §3, RFC 9051 §4.3). UTF-8 is
 * accepted even before ENABLE UTF8=ACCEPT: refusing it would only turn a command the server can
 * understand into BAD. Never contains CR, LF or NUL.
 */
export interface ImapQuoted {
  type: 'quoted';
  value: string;
}

/** A literal (RFC 3501 §4.3); `binary` for literal8 `~{n}` (RFC 3516 §4.3), which may hold NULs. */
export interface ImapLiteral {
  type: 'literal';
  value: Buffer;
  binary: boolean;
}

/** A parenthesised list. */
export interface ImapList {
  type: 'list';
  items: ImapValue[];
}

/**
 * A FETCH section attribute: `BODY.PEEK[1.2.HEADER.FIELDS (FROM TO)]<0.2048>` becomes
 * name `BODY.PEEK`, section `[atom 1.2.HEADER.FIELDS, list (FROM TO)]`, partial {0, 2048}.
 * Only BODY, BODY.PEEK, BINARY, BINARY.PEEK and BINARY.SIZE open a section; any other word
 * with brackets (`[Gmail]/Sent`) stays an atom.
 */
export interface ImapSection {
  type: 'section';
  /** Upper-cased. */
  name: string;
  section: ImapValue[];
  /** `<offset.length>`; length is undefined for `<offset>` (legal in responses only). */
  partial: { offset: number; length: number | undefined } | undefined;
}

export type ImapValue = ImapAtom | ImapNumber | ImapNil | ImapQuoted | ImapLiteral | ImapList | ImapSection;

/** One complete client command. */
export interface ImapCommand {
  tag: string;
  /** Upper-cased; UID commands are folded into one name: `UID FETCH`, `UID EXPUNGE`. */
  command: string;
  args: ImapValue[];
}

/** The text of a bare word (atom, number or NIL), or undefined for anything else. */
export function atomText(value: ImapValue | undefined): string | undefined {
  switch (value?.type) {
    case 'atom':
      return value.value;
    case 'number':
    case 'nil':
      return value.raw;
    default:
      return undefined;
  }
}

/** Whether `value` is the bare word `word` (compared case-insensitively, as IMAP keywords are). */
export function isWord(value: ImapValue | undefined, word: string): boolean {
  return atomText(value)?.toUpperCase() === word.toUpperCase();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A literal's bytes as UTF-8, or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * An `astring` argument (RFC 3501 §9: atom / quoted / literal) as text: mailbox names, user
 * names, passwords. Literals must be UTF-8. Undefined for lists, sections and bad bytes.
 */
export function astringValue(value: ImapValue | undefined): string | undefined {
  switch (value?.type) {
    case 'quoted':
      return value.value;
    case 'literal':
      return value.binary ? undefined : decodeUtf8(value.value);
    default:
      return atomText(value);
  }
}

/** A `string` argument (quoted or literal only, RFC 3501 §4.3) as text. */
export function stringValue(value: ImapValue | undefined): string | undefined {
  return value?.type === 'atom' || value?.type === 'number' || value?.type === 'nil' ? undefined : astringValue(value);
}

/** A non-negative integer argument, or undefined. */
export function numberValue(value: ImapValue | undefined): number | undefined {
  return value?.type === 'number' ? value.value : undefined;
}
