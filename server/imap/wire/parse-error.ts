/**
 * The one error type of the wire codec. Nothing in wire/ throws for bad client input: readers
 * and parsers hand back an ImapParseError as a value, and the server maps it to the wire in one
 * place — usually `tag BAD text`, or `* BAD text` when no tag could be read (RFC 3501 §7.1.3).
 */

/**
 * Response codes the server should put in its reply.
 * - TOOBIG: a literal over the limit. `NO [TOOBIG]` for APPEND (RFC 4469 §4, RFC 7889 §4),
 *   otherwise `BAD [TOOBIG]` (RFC 7888 §4 for non-synchronising literals).
 * - BADCHARSET: SEARCH named a charset we cannot decode (RFC 3501 §6.4.4, §7.1).
 */
export type ImapParseErrorCode = 'TOOBIG' | 'BADCHARSET';

export interface ImapParseErrorDetails {
  /** The command's tag, when it could be read; the reply is then tagged. */
  tag?: string | undefined;
  /** The upper-cased command name (`UID FETCH`), when it could be read. */
  command?: string | undefined;
  code?: ImapParseErrorCode | undefined;
  /**
   * The reader cannot find the start of the next command any more (a non-synchronising literal
   * too large to skip). The server should send `* BYE` and close the connection.
   */
  fatal?: boolean | undefined;
}

export class ImapParseError extends Error {
  override name = 'ImapParseError';
  readonly tag: string | undefined;
  readonly command: string | undefined;
  /**
   * Human-readable reason, safe to put in a reply: printable ASCII only. Client words are
   * quoted in it only when they are short atoms (see `describeWord`).
   */
  readonly text: string;
  readonly code: ImapParseErrorCode | undefined;
  readonly fatal: boolean;

  constructor(text: string, details: ImapParseErrorDetails = {}) {
    super(text);
    this.text = text;
    this.tag = details.tag;
    this.command = details.command;
    this.code = details.code;
    this.fatal = details.fatal ?? false;
  }
}

/** What the wire parsers return: a value, or the reason the input was refused. */
export type WireResult<T> = { ok: true; value: T } | { ok: false; error: ImapParseError };

export function ok<T>(value: T): WireResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(text: string, details?: ImapParseErrorDetails): WireResult<T> {
  return { ok: false, error: new ImapParseError(text, details) };
}

/**
 * A client-supplied word fit for an error text: printable ASCII without quotes or brackets,
 * cut to 40 characters, so that echoing it can neither inject a CRLF nor flood the reply.
 */
export function describeWord(word: string): string {
  const clean = word.replace(/[^\x21-\x7e]|["\\[\]]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}...` : clean;
}
