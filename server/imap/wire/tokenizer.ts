/**
 * Turns the lines of one client command into ImapValues (RFC 3501 §4 data formats, §9 formal
 * syntax; RFC 7888 LITERAL+; RFC 3516 §4.3 literal8).
 *
 * A command is one or more lines with literals between them: every line but the last ends in a
 * literal announcement `{n}`, `{n+}` or `~{n}`. The command reader frames the lines and the
 * literal bytes; this builder lexes each line as it arrives and keeps the half-built tree
 * (open lists, open sections) across literals with an explicit stack, so lexing is linear in
 * the command's size however many literals it has, and the reader can refuse a bad command
 * before telling the client to send a literal (RFC 3501 §7.5).
 */
import { MAX_ARGUMENTS, MAX_NESTING_DEPTH } from './limits.js';
import { ImapParseError } from './parse-error.js';
import type { ImapCommand, ImapValue } from './values.js';

/** What one line did to the command. */
export type LineOutcome =
  | { kind: 'complete' }
  /** The line ended in a literal announcement; `size` is Infinity when it has too many digits. */
  | { kind: 'literal'; size: number; sync: boolean; binary: boolean }
  | { kind: 'error'; error: ImapParseError };

export interface TokenizerLimits {
  maxNestingDepth: number;
  maxArguments: number;
}

const SP = 0x20;
const DQUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const TILDE = 0x7e;
const PLUS = 0x2b;
const LT = 0x3c;
const GT = 0x3e;

/** Words that open a FETCH section when followed by `[` (RFC 3501 §6.4.5, RFC 3516 §4). */
const SECTION_NAMES = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);

/**
 * Bytes of a bare word. RFC 3501 ATOM-CHAR, widened as every server does to the characters
 * that other bare-word productions need: `%` `*` (list-wildcards: LIST patterns, sequence sets)
 * and `]` (resp-specials, allowed in astring: `[Gmail]/Sent`). `\` only opens a flag.
 */
function isWordByte(c: number): boolean {
  return c > SP && c < 0x7f && c !== LPAREN && c !== RPAREN && c !== LBRACE && c !== DQUOTE && c !== BACKSLASH;
}

/** tag = 1*<any ASTRING-CHAR except "+"> (RFC 3501 §9). */
function isTagByte(c: number): boolean {
  return isWordByte(c) && c !== PLUS && c !== 0x25 /* % */ && c !== 0x2a /* * */;
}

const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const DIGITS = /^[0-9]+$/;

/** Why the byte at a position cannot start or continue a token, in words a client can act on. */
function badByte(c: number): string {
  if (c === 0) return 'NUL byte in command';
  if (c >= 0x80) return '8-bit byte outside a quoted string or literal';
  if (c < SP || c === 0x7f) return 'Control character in command';
  if (c === RPAREN) return 'Unexpected ")"';
  if (c === RBRACKET) return 'Unexpected "]"';
  if (c === BACKSLASH) return 'Unexpected "\\"';
  if (c === LBRACE || c === RBRACE) return 'Misplaced literal';
  return 'Unexpected character';
}

interface Frame {
  kind: 'list' | 'section';
  /** Section name, upper-cased; empty for lists. */
  name: string;
  items: ImapValue[];
}

/** Where the lexer stands between tokens. */
type Position = 'after-token' | 'after-space' | 'after-open';

/** Parses "123" → 123; too many digits to be exact → Infinity (callers only compare it). */
function parseSize(digits: string): number {
  return digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Builds one command from its lines and literals. Use: `feedLine(line)` with each line (CRLF
 * removed); after a `literal` outcome, `addLiteral(bytes)`, then the next line; after
 * `complete`, `build()`. After an `error` outcome the builder must be dropped.
 */
export class CommandBuilder {
  tag: string | undefined;
  command: string | undefined;
  private readonly args: ImapValue[] = [];
  private readonly frames: Frame[] = [];
  private position: Position = 'after-token';
  private count = 0;
  private started = false;
  private literalBinary: boolean | undefined;

  constructor(private readonly limits: TokenizerLimits = { maxNestingDepth: MAX_NESTING_DEPTH, maxArguments: MAX_ARGUMENTS }) {}

  /** Lexes one line of the command (CRLF removed). */
  feedLine(line: Buffer): LineOutcome {
    if (this.literalBinary !== undefined) return this.error('Literal data expected');
    let i = 0;
    if (!this.started) {
      this.started = true;
      const head = this.readHead(line);
      if (typeof head !== 'number') return head;
      i = head;
    }
    const end = line.length;
    while (i < end) {
      const c = line[i] ?? 0;
      if (this.position === 'after-token') {
        if (c === SP) {
          this.position = 'after-space';
          i++;
        } else if (c === RPAREN || c === RBRACKET) {
          const closed = this.close(c, line, i);
          if (typeof closed !== 'number') return closed;
          i = closed;
        } else {
          return this.error(c < 0x80 && c >= SP && c !== 0x7f ? 'Expected a space between arguments' : badByte(c));
        }
        continue;
      }
      // Expecting a token ('after-space' or 'after-open').
      if (c === LPAREN) {
        const opened = this.open('list', '');
        if (opened) return opened;
        i++;
      } else if ((c === RPAREN || c === RBRACKET) && this.position === 'after-open') {
        // `()` and `BODY[]`: a frame closed right after it opened.
        const closed = this.close(c, line, i);
        if (typeof closed !== 'number') return closed;
        i = closed;
      } else if (c === DQUOTE) {
        const quoted = this.readQuoted(line, i);
        if (typeof quoted !== 'number') return quoted;
        i = quoted;
      } else if (c === LBRACE || (c === TILDE && line[i + 1] === LBRACE)) {
        return this.readLiteralAnnouncement(line, i);
      } else {
        const word = this.readWord(line, i);
        if (typeof word !== 'number') return word;
        i = word;
      }
    }
    if (this.position === 'after-space') return this.error('Trailing space at end of line');
    const open = this.frames[this.frames.length - 1];
    if (open) return this.error(open.kind === 'list' ? 'Unclosed "("' : 'Unclosed "["');
    return { kind: 'complete' };
  }

  /** Adds the bytes of the literal the last line announced. */
  addLiteral(data: Buffer): ImapParseError | undefined {
    const binary = this.literalBinary;
    if (binary === undefined) return this.error('Unexpected literal data').error;
    this.literalBinary = undefined;
    // CHAR8 excludes NUL (RFC 3501 §9); binary content must come as literal8 (RFC 3516 §4.3).
    if (!binary && data.includes(0)) return this.error('NUL byte in literal; use literal8 ~{n} for binary data').error;
    const pushed = this.push({ type: 'literal', value: data, binary });
    this.position = 'after-token';
    return pushed?.error;
  }

  build(): ImapCommand {
    return { tag: this.tag ?? '', command: this.command ?? '', args: this.args };
  }

  /** `tag SP command [SP subcommand]` for UID (RFC 3501 §6.4.8). Returns the index after it. */
  private readHead(line: Buffer): number | LineOutcome {
    let i = 0;
    while (i < line.length && isTagByte(line[i] ?? 0)) i++;
    if (i === 0 || (i < line.length && line[i] !== SP)) {
      return this.error(i === 0 ? 'Missing or invalid tag' : 'Invalid character in tag');
    }
    this.tag = line.toString('latin1', 0, i);
    if (i === line.length) return this.error('Missing command name');
    const name = this.readName(line, i + 1);
    if (!name) return this.error('Missing or invalid command name');
    this.command = name.text.toUpperCase();
    i = name.end;
    if (this.command === 'UID') {
      const sub = line[i] === SP ? this.readName(line, i + 1) : undefined;
      if (!sub) return this.error('UID needs a command');
      this.command = `UID ${sub.text.toUpperCase()}`;
      i = sub.end;
    }
    this.position = 'after-token';
    return i;
  }

  private readName(line: Buffer, start: number): { text: string; end: number } | undefined {
    let i = start;
    while (i < line.length && line[i] !== SP) i++;
    const text = line.toString('latin1', start, i);
    return COMMAND_NAME.test(text) && text.length <= 64 ? { text, end: i } : undefined;
  }

  private readWord(line: Buffer, start: number): number | LineOutcome {
    const inSection = this.frames[this.frames.length - 1]?.kind === 'section';
    let i = start;
    if (line[i] === BACKSLASH) i++; // flag: "\" atom (RFC 3501 §9 flag-extension)
    for (; i < line.length; i++) {
      const c = line[i] ?? 0;
      if (!isWordByte(c) || (c === RBRACKET && inSection)) break;
      if (c === LBRACKET && SECTION_NAMES.has(line.toString('latin1', start, i).toUpperCase())) {
        const opened = this.open('section', line.toString('latin1', start, i).toUpperCase());
        return opened ?? i + 1;
      }
    }
    if (i === start || (i === start + 1 && line[start] === BACKSLASH)) {
      return this.error(badByte(line[i] ?? 0));
    }
    const text = line.toString('latin1', start, i);
    let value: ImapValue;
    if (DIGITS.test(text) && Number.isSafeInteger(Number(text))) value = { type: 'number', value: Number(text), raw: text };
    else if (text.length === 3 && text.toUpperCase() === 'NIL') value = { type: 'nil', raw: text };
    else value = { type: 'atom', value: text };
    return this.push(value) ?? i;
  }

  /** quoted = DQUOTE *QUOTED-CHAR DQUOTE; only `\"` and `\\` escapes exist (RFC 3501 §4.3). */
  private readQuoted(line: Buffer, start: number): number | LineOutcome {
    const pieces: Buffer[] = [];
    let from = start + 1;
    let eightBit = false;
    for (let i = start + 1; ; i++) {
      const c = line[i];
      if (c === undefined) return this.error('Unterminated quoted string');
      if (c === DQUOTE) {
        pieces.push(line.subarray(from, i));
        const bytes = pieces.length === 1 ? (pieces[0] ?? Buffer.alloc(0)) : Buffer.concat(pieces);
        let value: string;
        if (eightBit) {
          try {
            value = utf8.decode(bytes);
          } catch {
            return this.error('Quoted string is not valid UTF-8; send 8-bit data as a literal');
          }
        } else {
          value = bytes.toString('latin1');
        }
        return this.push({ type: 'quoted', value }) ?? i + 1;
      }
      if (c === BACKSLASH) {
        const next = line[i + 1];
        if (next !== DQUOTE && next !== BACKSLASH) return this.error('Invalid escape in quoted string');
        pieces.push(line.subarray(from, i));
        from = i + 1; // keep the escaped character itself
        i++;
      } else if (c < SP || c === 0x7f) {
        return this.error(c === 0 ? 'NUL byte in quoted string' : 'Control character in quoted string');
      } else if (c >= 0x80) {
        eightBit = true;
      }
    }
  }

  /** `{n}`, `{n+}` (RFC 7888 §3), `~{n}` / `~{n+}` (RFC 3516 §4.3): must end the line. */
  private readLiteralAnnouncement(line: Buffer, start: number): LineOutcome {
    if (this.command === undefined) return this.error('Literal before the command name');
    const binary = line[start] === TILDE;
    let i = binary ? start + 2 : start + 1;
    const digitsStart = i;
    while (i < line.length && (line[i] ?? 0) >= 0x30 && (line[i] ?? 0) <= 0x39) i++;
    const digits = line.toString('latin1', digitsStart, i);
    const sync = line[i] !== PLUS;
    if (!sync) i++;
    if (digits.length === 0 || line[i] !== RBRACE) return this.error('Invalid literal announcement');
    if (i + 1 !== line.length) return this.error('A literal announcement must end the line');
    this.literalBinary = binary;
    return { kind: 'literal', size: parseSize(digits), sync, binary };
  }

  private open(kind: Frame['kind'], name: string): LineOutcome | undefined {
    if (this.frames.length >= this.limits.maxNestingDepth) return this.error('Too deeply nested');
    this.frames.push({ kind, name, items: [] });
    this.position = 'after-open';
    return undefined;
  }

  /** Closes the innermost list or section at `line[at]`; returns the index after it. */
  private close(c: number, line: Buffer, at: number): number | LineOutcome {
    const frame = this.frames[this.frames.length - 1];
    const want = c === RPAREN ? 'list' : 'section';
    if (!frame || frame.kind !== want) return this.error(badByte(c));
    this.frames.pop();
    let i = at + 1;
    if (frame.kind === 'list') {
      return this.push({ type: 'list', items: frame.items }) ?? i;
    }
    // section-partial: "<" number ["." nz-number] ">" (RFC 3501 §9; the short form is a response's)
    let partial: { offset: number; length: number | undefined } | undefined;
    if (line[i] === LT) {
      const close = line.indexOf(GT, i);
      const text = close < 0 ? '' : line.toString('latin1', i + 1, close);
      const match = /^([0-9]{1,15})(?:\.([0-9]{1,15}))?$/.exec(text);
      if (!match?.[1]) return this.error('Invalid partial range <offset.length>');
      partial = { offset: Number(match[1]), length: match[2] === undefined ? undefined : Number(match[2]) };
      i = close + 1;
    }
    return this.push({ type: 'section', name: frame.name, section: frame.items, partial }) ?? i;
  }

  private push(value: ImapValue): { kind: 'error'; error: ImapParseError } | undefined {
    if (++this.count > this.limits.maxArguments) return this.error('Too many arguments');
    const frame = this.frames[this.frames.length - 1];
    (frame ? frame.items : this.args).push(value);
    this.position = 'after-token';
    return undefined;
  }

  private error(text: string): { kind: 'error'; error: ImapParseError } {
    return { kind: 'error', error: new ImapParseError(text, { tag: this.tag, command: this.command }) };
  }
}

/** Digits of a literal announcement at the very end of a line, found without lexing it. */
const TRAILING_LITERAL = /(~?)\{([0-9]{1,20})(\+?)\}$/;

/**
 * The literal a line announces at its end, if any, judged from the line's last bytes only.
 * Used to stay in step with the client after an error, when the line itself is not lexed or is
 * too long to keep: if the client was told nothing and sends the literal anyway (`{n+}`), we
 * must skip exactly n bytes to find the next command.
 */
export function trailingLiteral(tail: Buffer): { size: number; sync: boolean; binary: boolean } | undefined {
  const match = TRAILING_LITERAL.exec(tail.toString('latin1', Math.max(0, tail.length - 32)));
  if (!match?.[2]) return undefined;
  return { size: parseSize(match[2]), sync: match[3] !== '+', binary: match[1] === '~' };
}

/** The tag at the start of a line that could not be lexed (too long), so the reply can carry it. */
export function leadingTag(head: Buffer): string | undefined {
  let i = 0;
  while (i < head.length && i < 64 && isTagByte(head[i] ?? 0)) i++;
  return i > 0 && head[i] === SP ? head.toString('latin1', 0, i) : undefined;
}

