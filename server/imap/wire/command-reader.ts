/**
 * The incremental IMAP command reader: socket bytes in, commands out (RFC 3501 §2.2, §4.3, §7.5;
 * RFC 7888 LITERAL+; RFC 3516 literal8).
 *
 * It is pull-based. The server `push()`es each chunk and then calls `next()` until it returns
 * undefined, handling each event before asking for the next. Pulling one event at a time lets
 * the server act between commands before more input is parsed: switch to raw-line mode after
 * IDLE or AUTHENTICATE, refuse a synchronising literal, or drop everything buffered after
 * STARTTLS (RFC 3501 §6.2.1 — bytes sent before the TLS handshake must not be run as commands).
 *
 * Bad input never throws: it yields an `error` event for that command, and the reader finds the
 * start of the next command on its own. To do so it honours the literal announcements of the
 * failed command: after a synchronising `{n}` the client waits for our `+` and sends nothing, so
 * the command simply ends; after a non-synchronising `{n+}` the client sends n bytes anyway and
 * they are skipped. The error is reported once the client has sent the whole command, so the
 * tagged reply follows it.
 *
 * Memory per connection is bounded by the line limit plus one command's literals, as long as
 * the server stops reading the socket while events are pending (see `buffered`).
 */
import { MAX_ARGUMENTS, MAX_ARGUMENT_LITERAL_SIZE, MAX_LINE_LENGTH, MAX_LITERAL_SIZE, MAX_LITERAL_SKIP, MAX_NESTING_DEPTH } from './limits.js';
import { ImapParseError } from './parse-error.js';
import { CommandBuilder, leadingTag, trailingLiteral } from './tokenizer.js';
import type { ImapCommand } from './values.js';

export interface CommandReaderOptions {
  /** Command text per command, literals excluded. Default MAX_LINE_LENGTH (64 KiB). */
  maxLineLength?: number;
  /** Largest APPEND literal: the message size limit. Default MAX_LITERAL_SIZE (50 MiB). */
  maxLiteralSize?: number;
  /**
   * Largest literal for a command. Default: `maxLiteralSize` for APPEND, MAX_ARGUMENT_LITERAL_SIZE
   * (64 KiB) for everything else. The server may pass its own, e.g. to allow APPEND only once
   * authenticated — a non-synchronising literal is sent without asking, so this is the only
   * place to refuse it before it is buffered.
   */
  literalLimit?: (command: string) => number;
  /** Default MAX_NESTING_DEPTH (32). */
  maxNestingDepth?: number;
  /** Values per command. Default MAX_ARGUMENTS (10 000). */
  maxArguments?: number;
  /** Largest over-limit non-synchronising literal skipped rather than fatal. Default MAX_LITERAL_SKIP. */
  maxLiteralSkip?: number;
}

export type ReaderEvent =
  /** A complete command. */
  | { type: 'command'; command: ImapCommand }
  /**
   * A synchronising literal was announced and fits the limits: the server now either sends
   * `+ Ready` (RFC 3501 §7.5) and keeps calling next(), or refuses it — `cancelCommand()` and a
   * tagged NO/BAD (e.g. `NO [TOOBIG]` for APPEND over quota, `NO` for APPEND before login).
   */
  | { type: 'continue'; tag: string; command: string; size: number; binary: boolean }
  /** The line after `expectLine()`, CRLF removed; bytes as latin1 so nothing is lost. */
  | { type: 'line'; text: string }
  /** The command (or raw line) was refused; see ImapParseError. */
  | { type: 'error'; error: ImapParseError };

type Mode =
  /** Collecting a line: a command's line, or a raw line. */
  | 'line'
  /** Collecting literal bytes. */
  | 'literal'
  /** Skipping the bytes of a literal that belongs to a refused command. */
  | 'skip'
  /** Throwing away the rest of a line that belongs to a refused command or is too long. */
  | 'discard'
  /** A fatal error was reported: the reader ignores all further input. */
  | 'dead';

const LF = 0x0a;
const CR = 0x0d;
const TAIL_BYTES = 32;

export class CommandReader {
  private readonly maxLineLength: number;
  private readonly literalLimit: (command: string) => number;
  private readonly maxLiteralSkip: number;
  private readonly tokenizerLimits: { maxNestingDepth: number; maxArguments: number };

  private queue: Buffer[] = [];
  private queueOffset = 0;
  private queued = 0;

  private mode: Mode = 'line';
  private builder: CommandBuilder | undefined;
  /** Command text of the current command so far, counted against maxLineLength. */
  private commandTextBytes = 0;
  /** Literal bytes of the current command so far. */
  private commandLiteralBytes = 0;
  private lineParts: Buffer[] = [];
  private lineBytes = 0;
  private literalParts: Buffer[] = [];
  private literalRemaining = 0;
  private skipRemaining = 0;
  /** Last bytes of the line being discarded: where a literal announcement would be. */
  private discardTail: Buffer = Buffer.alloc(0);
  /** Whether the discarded line may announce a literal (false for raw lines). */
  private discardFollowsLiterals = true;
  /** The error to report when the refused command has been consumed. */
  private pendingError: ImapParseError | undefined;
  private rawLineNext = false;

  constructor(options: CommandReaderOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
    const maxLiteralSize = options.maxLiteralSize ?? MAX_LITERAL_SIZE;
    const argumentLimit = Math.min(maxLiteralSize, MAX_ARGUMENT_LITERAL_SIZE);
    this.literalLimit = options.literalLimit ?? ((command) => (command === 'APPEND' ? maxLiteralSize : argumentLimit));
    this.maxLiteralSkip = options.maxLiteralSkip ?? MAX_LITERAL_SKIP;
    this.tokenizerLimits = {
      maxNestingDepth: options.maxNestingDepth ?? MAX_NESTING_DEPTH,
      maxArguments: options.maxArguments ?? MAX_ARGUMENTS,
    };
  }

  /** Queues bytes from the socket. The reader keeps references to them: do not reuse the buffer. */
  push(chunk: Buffer): void {
    if (this.mode === 'dead' || chunk.length === 0) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
  }

  /** Bytes pushed but not yet parsed. A server should pause the socket while this grows. */
  get buffered(): number {
    return this.queued;
  }

  /**
   * The next line is not a command: return it whole as a `line` event. For IDLE's `DONE`
   * (RFC 2177 §3) and each AUTHENTICATE response (RFC 3501 §6.2.2). Applies to one line.
   */
  expectLine(): void {
    this.rawLineNext = true;
  }

  /** After a `continue` event, refuse the literal: the command is dropped, nothing is skipped. */
  cancelCommand(): void {
    if (this.mode === 'dead') return;
    this.startCommand();
    this.mode = 'line';
  }

  /**
   * Forget all buffered input and any partial command — after STARTTLS, so that commands a
   * client (or an attacker in the path) pipelined in plaintext are never run over TLS.
   */
  reset(): void {
    this.queue = [];
    this.queueOffset = 0;
    this.queued = 0;
    this.rawLineNext = false;
    this.startCommand();
    this.mode = 'line';
  }

  /** The next event, or undefined when more input is needed. */
  next(): ReaderEvent | undefined {
    for (;;) {
      let event: ReaderEvent | 'more' | 'progress';
      switch (this.mode) {
        case 'dead':
          return undefined;
        case 'line':
          event = this.stepLine();
          break;
        case 'literal':
          event = this.stepLiteral();
          break;
        case 'skip':
          event = this.stepSkip();
          break;
        case 'discard':
          event = this.stepDiscard();
          break;
      }
      if (event === 'more') return undefined;
      if (event !== 'progress') return event;
    }
  }

  private stepLine(): ReaderEvent | 'more' | 'progress' {
    const raw = this.rawLineNext && this.builder === undefined;
    const budget = raw ? this.maxLineLength : this.maxLineLength - this.commandTextBytes;
    const found = this.collectLine(budget);
    if (found === 'more') return 'more';
    if ('tooLong' in found) {
      const whole = Buffer.concat(this.lineParts);
      const tag = this.builder?.tag ?? (raw ? undefined : leadingTag(whole.subarray(0, 80)));
      this.rawLineNext = false;
      const end = found.ended ? whole.length - 1 : whole.length;
      this.poison(new ImapParseError('Command line too long', { tag, command: this.builder?.command }), !raw, whole.subarray(Math.max(0, end - TAIL_BYTES), end));
      // When its LF has already arrived the line is over; otherwise stepDiscard reads on.
      return found.ended ? this.finishDiscardedLine() : 'progress';
    }
    const line = found;
    if (raw) {
      this.rawLineNext = false;
      return { type: 'line', text: line.toString('latin1') };
    }
    if (!this.builder) {
      // An empty line means nothing in RFC 3501; answering BAD would only confuse a client that
      // sends one as a keep-alive.
      if (line.length === 0) return 'progress';
      this.startCommand();
      this.builder = new CommandBuilder(this.tokenizerLimits);
    }
    const builder = this.builder;
    this.commandTextBytes += line.length;
    const outcome = builder.feedLine(line);
    switch (outcome.kind) {
      case 'complete': {
        const command = builder.build();
        this.startCommand();
        return { type: 'command', command };
      }
      case 'error':
        // The line is already whole: only the literal it may announce is left to deal with.
        this.poison(outcome.error, true, line.subarray(Math.max(0, line.length - TAIL_BYTES)));
        return this.finishDiscardedLine();
      case 'literal':
        return this.announceLiteral(builder, outcome.size, outcome.sync, outcome.binary);
    }
  }

  private announceLiteral(builder: CommandBuilder, size: number, sync: boolean, binary: boolean): ReaderEvent | 'progress' {
    const tag = builder.tag ?? '';
    const command = builder.command ?? '';
    const limit = this.literalLimit(command);
    // All literals of one command together may exceed one literal's limit only by a line's worth
    // (a mailbox name beside an APPEND message), or a client could send a thousand of them.
    if (size > limit || this.commandLiteralBytes + size > limit + this.maxLineLength) {
      const error = new ImapParseError(`Literal too big: the limit is ${limit} bytes`, { tag, command, code: 'TOOBIG' });
      if (sync) {
        this.startCommand();
        return { type: 'error', error };
      }
      return this.skipLiteral(size, error);
    }
    this.commandLiteralBytes += size;
    this.mode = 'literal';
    this.literalRemaining = size;
    this.literalParts = [];
    return sync ? { type: 'continue', tag, command, size, binary } : 'progress';
  }

  private stepLiteral(): ReaderEvent | 'more' | 'progress' {
    while (this.literalRemaining > 0) {
      const piece = this.take(this.literalRemaining);
      if (!piece) return 'more';
      this.literalParts.push(piece);
      this.literalRemaining -= piece.length;
    }
    const data = this.literalParts.length === 1 ? (this.literalParts[0] ?? Buffer.alloc(0)) : Buffer.concat(this.literalParts);
    this.literalParts = [];
    this.mode = 'line';
    const error = this.builder?.addLiteral(data);
    // The line after the literal is still part of the refused command: discard it.
    if (error) this.poison(error, true, Buffer.alloc(0));
    return 'progress';
  }

  private stepSkip(): ReaderEvent | 'more' | 'progress' {
    while (this.skipRemaining > 0) {
      const piece = this.take(this.skipRemaining);
      if (!piece) return 'more';
      this.skipRemaining -= piece.length;
    }
    // The command goes on after the literal, up to the next CRLF.
    this.mode = 'discard';
    this.discardTail = Buffer.alloc(0);
    return 'progress';
  }

  private stepDiscard(): ReaderEvent | 'more' | 'progress' {
    for (;;) {
      const chunk = this.queue[0];
      if (!chunk) return 'more';
      const lf = chunk.indexOf(LF, this.queueOffset);
      const end = lf < 0 ? chunk.length : lf;
      this.keepTail(chunk.subarray(this.queueOffset, end));
      this.consume(chunk, (lf < 0 ? chunk.length : lf + 1) - this.queueOffset);
      if (lf >= 0) return this.finishDiscardedLine();
    }
  }

  /** A discarded line ended: skip the literal it announces, or report the command's error. */
  private finishDiscardedLine(): ReaderEvent | 'progress' {
    let tail = this.discardTail;
    if (tail[tail.length - 1] === CR) tail = tail.subarray(0, tail.length - 1);
    this.discardTail = Buffer.alloc(0);
    const literal = this.discardFollowsLiterals ? trailingLiteral(tail) : undefined;
    const error = this.pendingError ?? new ImapParseError('Invalid command');
    if (literal && !literal.sync) return this.skipLiteral(literal.size, error);
    this.startCommand();
    this.mode = 'line';
    return { type: 'error', error };
  }

  /** Skip a non-synchronising literal the client sends regardless, then the rest of its command. */
  private skipLiteral(size: number, error: ImapParseError): ReaderEvent | 'progress' {
    if (size > this.maxLiteralSkip) {
      // Skipping would take longer than the connection deserves; RFC 7888 §4 allows closing.
      this.mode = 'dead';
      this.queue = [];
      this.queueOffset = 0;
      this.queued = 0;
      const fatal = new ImapParseError(error.code === 'TOOBIG' ? error.text : 'Literal too big to skip', { tag: error.tag, command: error.command, code: 'TOOBIG', fatal: true });
      return { type: 'error', error: fatal };
    }
    this.builder = undefined;
    this.pendingError = error;
    this.mode = 'skip';
    this.skipRemaining = size;
    return 'progress';
  }

  /** Refuse the current command and discard the rest of its current line. */
  private poison(error: ImapParseError, followLiterals: boolean, tail: Buffer): void {
    this.pendingError ??= error;
    this.builder = undefined;
    this.discardFollowsLiterals = followLiterals;
    this.discardTail = tail;
    this.lineParts = [];
    this.lineBytes = 0;
    this.mode = 'discard';
  }

  private startCommand(): void {
    this.builder = undefined;
    this.pendingError = undefined;
    this.commandTextBytes = 0;
    this.commandLiteralBytes = 0;
    this.lineParts = [];
    this.lineBytes = 0;
    this.literalParts = [];
    this.literalRemaining = 0;
    this.skipRemaining = 0;
    this.discardTail = Buffer.alloc(0);
    this.discardFollowsLiterals = true;
  }

  /**
   * Moves queued bytes into the current line up to and including LF. Returns the line without
   * its CRLF (a bare LF is accepted, as most servers do), 'more', or `too-long` once the line
   * cannot fit `budget` bytes — with `ended` telling whether its LF was already consumed. The
   * over-long line's bytes stay in lineParts for the caller to read its tag and its tail.
   */
  private collectLine(budget: number): Buffer | 'more' | { tooLong: true; ended: boolean } {
    for (;;) {
      const chunk = this.queue[0];
      if (!chunk) return 'more';
      const lf = chunk.indexOf(LF, this.queueOffset);
      const end = lf < 0 ? chunk.length : lf + 1;
      const piece = chunk.subarray(this.queueOffset, end);
      this.consume(chunk, piece.length);
      this.lineParts.push(piece);
      this.lineBytes += piece.length;
      if (lf < 0) {
        // +1: the CR of a CRLF split across chunks is not command text.
        if (this.lineBytes > budget + 1) return { tooLong: true, ended: false };
        continue;
      }
      const line = this.lineParts.length === 1 ? piece : Buffer.concat(this.lineParts);
      let length = line.length - 1;
      if (line[length - 1] === CR) length--;
      if (length > budget) return { tooLong: true, ended: true };
      this.lineParts = [];
      this.lineBytes = 0;
      return line.subarray(0, length);
    }
  }

  private keepTail(piece: Buffer): void {
    if (piece.length >= TAIL_BYTES) {
      this.discardTail = piece.subarray(piece.length - TAIL_BYTES);
    } else if (piece.length > 0) {
      const joined = Buffer.concat([this.discardTail, piece]);
      this.discardTail = joined.subarray(Math.max(0, joined.length - TAIL_BYTES));
    }
  }

  /** Up to `max` queued bytes, or undefined when the queue is empty. */
  private take(max: number): Buffer | undefined {
    const chunk = this.queue[0];
    if (!chunk) return undefined;
    const piece = chunk.subarray(this.queueOffset, this.queueOffset + max);
    this.consume(chunk, piece.length);
    return piece;
  }

  private consume(chunk: Buffer, count: number): void {
    this.queueOffset += count;
    this.queued -= count;
    if (this.queueOffset >= chunk.length) {
      this.queue.shift();
      this.queueOffset = 0;
    }
  }
}
