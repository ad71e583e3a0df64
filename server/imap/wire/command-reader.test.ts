import { describe, expect, it } from 'vitest';
import { CommandReader, type CommandReaderOptions, type ReaderEvent } from './command-reader.js';
import { ImapParseError } from './parse-error.js';
import type { ImapCommand, ImapValue } from './values.js';

/** Feeds `input` (optionally in pieces) and returns every event; the server "sends +" to each continue. */
function read(input: string | Buffer | Array<string | Buffer>, options?: CommandReaderOptions): ReaderEvent[] {
  const reader = new CommandReader(options);
  const events: ReaderEvent[] = [];
  for (const piece of Array.isArray(input) ? input : [input]) {
    reader.push(typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece);
    for (let e = reader.next(); e; e = reader.next()) events.push(e);
  }
  return events;
}

function commands(events: ReaderEvent[]): ImapCommand[] {
  return events.flatMap((e) => (e.type === 'command' ? [e.command] : []));
}

function errors(events: ReaderEvent[]): ImapParseError[] {
  return events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
}

function only(input: string | Buffer | Array<string | Buffer>, options?: CommandReaderOptions): ImapCommand {
  const events = read(input, options).filter((e) => e.type !== 'continue');
  expect(events).toHaveLength(1);
  const [event] = events;
  if (event?.type !== 'command') throw new Error(`expected a command, got ${JSON.stringify(event)}`);
  return event.command;
}

function onlyError(input: string | Buffer | Array<string | Buffer>, options?: CommandReaderOptions): ImapParseError {
  const events = read(input, options).filter((e) => e.type !== 'continue');
  expect(events).toHaveLength(1);
  const [event] = events;
  if (event?.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(event)}`);
  expect(event.error).toBeInstanceOf(ImapParseError);
  return event.error;
}

const atom = (value: string): ImapValue => ({ type: 'atom', value });
const num = (value: number): ImapValue => ({ type: 'number', value, raw: String(value) });
const list = (...items: ImapValue[]): ImapValue => ({ type: 'list', items });

describe('command framing (RFC 3501 §2.2.1)', () => {
  it('reads tag, upper-cased command and no arguments', () => {
    expect(only('a001 noop\r\n')).toEqual({ tag: 'a001', command: 'NOOP', args: [] });
  });

  it('folds UID and its subcommand into one name (§6.4.8)', () => {
    const cmd = only('A2 uid fetch 1:* (FLAGS)\r\n');
    expect(cmd.command).toBe('UID FETCH');
    expect(cmd.args).toEqual([atom('1:*'), list(atom('FLAGS'))]);
  });

  it('reads commands split at every byte boundary', () => {
    const text = 'A1 LOGIN "bob" {6}\r\nsecret\r\nA2 SELECT INBOX\r\n';
    const pieces = [...Buffer.from(text)].map((b) => Buffer.from([b]));
    const events = read(pieces);
    expect(events.map((e) => e.type)).toEqual(['continue', 'command', 'command']);
    expect(commands(events).map((c) => c.command)).toEqual(['LOGIN', 'SELECT']);
  });

  it('reads several pipelined commands from one chunk', () => {
    const events = read('1 NOOP\r\n2 CAPABILITY\r\n3 LOGOUT\r\n');
    expect(commands(events).map((c) => c.tag)).toEqual(['1', '2', '3']);
  });

  it('accepts a bare LF and ignores empty lines', () => {
    expect(commands(read('\r\n\r\nA NOOP\n\r\nB NOOP\r\n')).map((c) => c.tag)).toEqual(['A', 'B']);
  });

  it('waits for the CRLF', () => {
    expect(read('A1 NOOP')).toEqual([]);
  });
});

describe('data formats (RFC 3501 §4)', () => {
  it('classifies atoms, numbers, NIL, quoted strings and lists (§4.1–§4.5)', () => {
    const cmd = only('t X 12 007 nil NIL "a \\"b\\" \\\\c" (a (b ())) \\Seen [Gmail]/Sent INBOX/% * 1:*,3\r\n');
    expect(cmd.args).toEqual([
      num(12),
      { type: 'number', value: 7, raw: '007' },
      { type: 'nil', raw: 'nil' },
      { type: 'nil', raw: 'NIL' },
      { type: 'quoted', value: 'a "b" \\c' },
      list(atom('a'), list(atom('b'), list())),
      atom('\\Seen'),
      atom('[Gmail]/Sent'),
      atom('INBOX/%'),
      atom('*'),
      atom('1:*,3'),
    ]);
  });

  it('keeps numbers beyond 2^53 as atoms, so mod-sequences lose nothing (RFC 7162 §7)', () => {
    expect(only('t X 9223372036854775807\r\n').args).toEqual([atom('9223372036854775807')]);
  });

  it('reads an empty quoted string', () => {
    expect(only('t LOGIN "" ""\r\n').args).toEqual([
      { type: 'quoted', value: '' },
      { type: 'quoted', value: '' },
    ]);
  });

  it('accepts UTF-8 in quoted strings (RFC 6855 §3)', () => {
    expect(only(Buffer.from('t SELECT "收文/2026年"\r\n', 'utf8')).args).toEqual([{ type: 'quoted', value: '收文/2026年' }]);
  });

  it('parses FETCH section attributes into section values (§6.4.5)', () => {
    const cmd = only('t FETCH 1 (BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100> body[1.2.MIME]<0.2048> BINARY[1] BINARY.SIZE[2] BODY[] BODY[TEXT])\r\n');
    expect(cmd.args[1]).toEqual(
      list(
        { type: 'section', name: 'BODY.PEEK', section: [atom('HEADER.FIELDS'), list(atom('FROM'), atom('TO'))], partial: { offset: 0, length: 100 } },
        { type: 'section', name: 'BODY', section: [atom('1.2.MIME')], partial: { offset: 0, length: 2048 } },
        { type: 'section', name: 'BINARY', section: [num(1)], partial: undefined },
        { type: 'section', name: 'BINARY.SIZE', section: [num(2)], partial: undefined },
        { type: 'section', name: 'BODY', section: [], partial: undefined },
        { type: 'section', name: 'BODY', section: [atom('TEXT')], partial: undefined },
      ),
    );
  });

  it('allows quoted header names inside a section', () => {
    const cmd = only('t FETCH 1 BODY[HEADER.FIELDS ("X-Mailer" Subject)]\r\n');
    expect(cmd.args[1]).toEqual({
      type: 'section',
      name: 'BODY',
      section: [atom('HEADER.FIELDS'), list({ type: 'quoted', value: 'X-Mailer' }, atom('Subject'))],
      partial: undefined,
    });
  });

  it('refuses malformed sections and partials', () => {
    expect(onlyError('t FETCH 1 BODY[HEADER\r\n').text).toMatch(/Unclosed/);
    expect(onlyError('t FETCH 1 BODY[]<1.x>\r\n').text).toMatch(/partial/);
    expect(onlyError('t FETCH 1 BODY[]x\r\n').text).toMatch(/space/);
    expect(onlyError('t FETCH 1 (FLAGS]\r\n').tag).toBe('t');
  });
});

describe('literals (RFC 3501 §4.3, §7.5)', () => {
  it('asks for a continuation before a synchronising literal and yields a Buffer', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('A1 LOGIN {3}\r\n'));
    expect(reader.next()).toEqual({ type: 'continue', tag: 'A1', command: 'LOGIN', size: 3, binary: false });
    expect(reader.next()).toBeUndefined();
    reader.push(Buffer.from('bob {4}\r\n'));
    expect(reader.next()).toEqual({ type: 'continue', tag: 'A1', command: 'LOGIN', size: 4, binary: false });
    reader.push(Buffer.from('pa\r\n\r\n'));
    const event = reader.next();
    expect(event).toEqual({
      type: 'command',
      command: {
        tag: 'A1',
        command: 'LOGIN',
        args: [
          { type: 'literal', value: Buffer.from('bob'), binary: false },
          { type: 'literal', value: Buffer.from('pa\r\n'), binary: false },
        ],
      },
    });
  });

  it('reads a non-synchronising literal without a continuation (RFC 7888 §3 LITERAL+)', () => {
    const events = read('A1 APPEND INBOX (\\Seen) {11+}\r\nHello\r\nBye!\r\n');
    expect(events.map((e) => e.type)).toEqual(['command']);
    expect(commands(events)[0]?.args[2]).toEqual({ type: 'literal', value: Buffer.from('Hello\r\nBye!'), binary: false });
  });

  it('reads literal8 with NULs (RFC 3516 §4.3)', () => {
    const events = read(['A1 APPEND INBOX ~{3}\r\n', Buffer.from([0, 1, 0]), '\r\n']);
    expect(events[0]).toMatchObject({ type: 'continue', binary: true });
    expect(commands(events)[0]?.args[1]).toEqual({ type: 'literal', value: Buffer.from([0, 1, 0]), binary: true });
  });

  it('reads a zero-length literal', () => {
    expect(only('A1 LOGIN {0+}\r\n {0}\r\n\r\n').args).toEqual([
      { type: 'literal', value: Buffer.alloc(0), binary: false },
      { type: 'literal', value: Buffer.alloc(0), binary: false },
    ]);
  });

  it('reads literals inside lists and sections', () => {
    const cmd = only('t FETCH 1 (BODY[HEADER.FIELDS ({4+}\r\nFrom)] FLAGS)\r\n');
    expect(cmd.args[1]).toEqual(
      list(
        {
          type: 'section',
          name: 'BODY',
          section: [atom('HEADER.FIELDS'), list({ type: 'literal', value: Buffer.from('From'), binary: false })],
          partial: undefined,
        },
        atom('FLAGS'),
      ),
    );
  });

  it('lets the server refuse a synchronising literal: cancelCommand drops it', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('A1 APPEND Drafts {999}\r\nA2 NOOP\r\n'));
    expect(reader.next()).toMatchObject({ type: 'continue', command: 'APPEND', size: 999 });
    reader.cancelCommand();
    expect(reader.next()).toEqual({ type: 'command', command: { tag: 'A2', command: 'NOOP', args: [] } });
  });

  it('refuses a bad command before asking for its literal', () => {
    const events = read('A1 LOGIN bob) {3}\r\nA2 NOOP\r\n');
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(errors(events)[0]?.tag).toBe('A1');
  });

  it('refuses a synchronising literal over the limit and drops the line: the client is waiting (TOOBIG)', () => {
    const events = read('A1 APPEND INBOX {1001}\r\nA2 NOOP\r\n', { maxLiteralSize: 1000 });
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(errors(events)[0]).toMatchObject({ tag: 'A1', command: 'APPEND', code: 'TOOBIG', fatal: false });
  });

  it('skips a non-synchronising literal over the limit and reports TOOBIG after it (RFC 7888 §4)', () => {
    const big = 'x'.repeat(5000);
    const events = read(['A1 APPEND INBOX {5000+}\r\n', big.slice(0, 10), big.slice(10), ' more {3+}\r\nabc\r\nA2 NOOP\r\n'], { maxLiteralSize: 1000 });
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(errors(events)[0]).toMatchObject({ tag: 'A1', code: 'TOOBIG' });
    expect(commands(events)[0]?.tag).toBe('A2');
  });

  it('limits literals of commands other than APPEND to 64 KiB by default, before login too', () => {
    const error = onlyError(`A1 LOGIN {70000}\r\n`);
    expect(error).toMatchObject({ code: 'TOOBIG', command: 'LOGIN' });
  });

  it('takes a per-command literal limit from the server', () => {
    const literalLimit = (command: string): number => (command === 'APPEND' ? 10 : 2);
    expect(onlyError('A1 APPEND x {11}\r\n', { literalLimit })).toMatchObject({ code: 'TOOBIG' });
    expect(only('A1 APPEND x {10+}\r\n0123456789\r\n', { literalLimit }).command).toBe('APPEND');
    expect(onlyError('A1 LOGIN {3}\r\n', { literalLimit })).toMatchObject({ code: 'TOOBIG' });
  });

  it('caps the total literal bytes of one command', () => {
    const literalLimit = (): number => 10;
    const input = `A1 X ${'{10+}\r\n0123456789 '.repeat(12)}\r\nA2 NOOP\r\n`;
    const events = read(input, { literalLimit, maxLineLength: 100 });
    expect(errors(events)[0]).toMatchObject({ code: 'TOOBIG', tag: 'A1' });
    expect(commands(events).map((c) => c.tag)).toEqual(['A2']);
  });

  it('closes on a non-synchronising literal too big to skip (fatal)', () => {
    const events = read('A1 APPEND INBOX {99999999999999999999+}\r\nA2 NOOP\r\n');
    expect(events).toHaveLength(1);
    expect(errors(events)[0]).toMatchObject({ tag: 'A1', code: 'TOOBIG', fatal: true });
  });

  it('refuses NUL in a plain literal (RFC 3501 §9 CHAR8) and continues', () => {
    const events = read(['A1 APPEND INBOX {3+}\r\n', Buffer.from([0x61, 0, 0x62]), ' x\r\nA2 NOOP\r\n']);
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(errors(events)[0]?.text).toMatch(/NUL/);
  });

  it('refuses malformed literal announcements', () => {
    expect(onlyError('A1 LOGIN {abc}\r\n').text).toMatch(/literal/i);
    expect(onlyError('A1 LOGIN {3}x\r\n').text).toMatch(/end the line/);
    expect(onlyError('A1 LOGIN {}\r\n').text).toMatch(/literal/i);
    expect(onlyError('A1 {3}\r\n').text).toMatch(/command name/);
  });
});

describe('raw lines for IDLE and AUTHENTICATE (RFC 2177 §3, RFC 3501 §6.2.2)', () => {
  it('returns the next line whole after expectLine, then goes back to commands', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('A1 IDLE\r\nDONE\r\nA2 AUTHENTICATE PLAIN\r\nAGJvYgBzZWNyZXQ=\r\nA3 NOOP\r\n'));
    expect(reader.next()).toMatchObject({ type: 'command', command: { command: 'IDLE' } });
    reader.expectLine();
    expect(reader.next()).toEqual({ type: 'line', text: 'DONE' });
    expect(reader.next()).toMatchObject({ type: 'command', command: { command: 'AUTHENTICATE' } });
    reader.expectLine();
    expect(reader.next()).toEqual({ type: 'line', text: 'AGJvYgBzZWNyZXQ=' });
    expect(reader.next()).toMatchObject({ type: 'command', command: { tag: 'A3' } });
  });

  it('keeps raw lines to the line limit and does not treat {n+} in them as a literal', () => {
    const reader = new CommandReader({ maxLineLength: 20 });
    reader.expectLine();
    reader.push(Buffer.from(`${'A'.repeat(30)} {3+}\r\nA1 NOOP\r\n`));
    const first = reader.next();
    expect(first).toMatchObject({ type: 'error', error: { tag: undefined } });
    expect(reader.next()).toMatchObject({ type: 'command', command: { tag: 'A1' } });
  });
});

describe('reset after STARTTLS (RFC 3501 §6.2.1)', () => {
  it('forgets plaintext pipelined after STARTTLS', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('A1 STARTTLS\r\nA2 LOGIN bob secret\r\n'));
    expect(reader.next()).toMatchObject({ type: 'command', command: { command: 'STARTTLS' } });
    expect(reader.buffered).toBeGreaterThan(0);
    reader.reset();
    expect(reader.buffered).toBe(0);
    expect(reader.next()).toBeUndefined();
    reader.push(Buffer.from('A3 CAPABILITY\r\n'));
    expect(reader.next()).toMatchObject({ type: 'command', command: { tag: 'A3' } });
  });
});

describe('hostile and broken input: an error for the command, then the next command', () => {
  const next = 'Z9 NOOP\r\n';
  const cases: Array<[string, string | Buffer, RegExp, string | undefined]> = [
    ['unterminated quoted string', 'A1 LOGIN "bob\r\n', /Unterminated/, 'A1'],
    ['bad escape in quoted string', 'A1 LOGIN "b\\ob" x\r\n', /escape/, 'A1'],
    ['unclosed parenthesis', 'A1 FETCH 1 (FLAGS\r\n', /Unclosed/, 'A1'],
    ['stray close parenthesis', 'A1 FETCH 1 FLAGS)\r\n', /Unexpected/, 'A1'],
    ['NUL byte', Buffer.from('A1 LOGIN bo\0b x\r\n', 'latin1'), /NUL|space/, 'A1'],
    ['NUL in quoted string', Buffer.from('A1 LOGIN "bo\0b" x\r\n', 'latin1'), /NUL/, 'A1'],
    ['8-bit garbage in an atom', Buffer.from([...Buffer.from('A1 SELECT '), 0xff, 0xfe, 0x0d, 0x0a]), /8-bit/, 'A1'],
    ['invalid UTF-8 in a quoted string', Buffer.from([...Buffer.from('A1 SELECT "'), 0xc3, 0x28, 0x22, 0x0d, 0x0a]), /UTF-8/, 'A1'],
    ['control character', 'A1 LOGIN b\x01ob x\r\n', /space|Control/, 'A1'],
    ['bare CR', 'A1 NOOP\rA2 NOOP\r\n', /command name/, 'A1'],
    ['bare CR between arguments', 'A1 LOGIN a\rb\r\n', /Control/, 'A1'],
    ['missing command', 'A1\r\n', /command/, 'A1'],
    ['invalid command name', 'A1 N*OP\r\n', /command name/, 'A1'],
    ['invalid tag', '*A1 NOOP\r\n', /tag/, undefined],
    ['8-bit tag', Buffer.from([0xe4, 0x20, 0x4e, 0x0d, 0x0a]), /tag/, undefined],
    ['double space', 'A1 LOGIN  bob x\r\n', /Unexpected|space/, 'A1'],
    ['trailing space', 'A1 NOOP \r\n', /Trailing/, 'A1'],
    ['space in empty list', 'A1 X ( )\r\n', /Unexpected/, 'A1'],
    ['line of spaces', '   \r\n', /tag/, undefined],
    ['UID without a command', 'A1 UID\r\n', /UID/, 'A1'],
    ['backslash alone', 'A1 STORE 1 FLAGS (\\)\r\n', /Unexpected/, 'A1'],
  ];
  for (const [name, input, text, tag] of cases) {
    it(`${name}`, () => {
      const events = read([typeof input === 'string' ? Buffer.from(input, 'latin1') : input, next]);
      expect(events.map((e) => e.type)).toEqual(['error', 'command']);
      const [error] = errors(events);
      expect(error?.text).toMatch(text);
      expect(error?.tag).toBe(tag);
      expect(error?.text).toMatch(/^[\x20-\x7e]+$/);
      expect(commands(events)[0]?.tag).toBe('Z9');
    });
  }

  it('refuses nesting deeper than the limit', () => {
    const deep = `A1 X ${'('.repeat(33)}${')'.repeat(33)}\r\n`;
    expect(errors(read([deep, next]))[0]?.text).toMatch(/nested/);
    const ok = `A1 X ${'('.repeat(32)}${')'.repeat(32)}\r\n`;
    expect(only(ok).command).toBe('X');
  });

  it('refuses 10 000 open parentheses without recursion trouble', () => {
    const events = read([`A1 X ${'('.repeat(10_000)}\r\n`, next]);
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
  });

  it('refuses more values than the argument limit', () => {
    expect(onlyError(`A1 X ${'a '.repeat(20)}a\r\n`, { maxArguments: 20 }).text).toMatch(/Too many/);
  });

  it('discards a line over the limit up to its CRLF and keeps its tag', () => {
    const long = `A1 SEARCH ${'x'.repeat(100_000)}\r\n`;
    const events = read([long.slice(0, 70_000), long.slice(70_000), next]);
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(errors(events)[0]).toMatchObject({ tag: 'A1', text: 'Command line too long' });
  });

  it('counts all lines of a command against the line limit', () => {
    const events = read(['A1 X ', `${'a'.repeat(40)} {1+}\r\nb ${'c'.repeat(40)}\r\n`, next], { maxLineLength: 64 });
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(errors(events)[0]).toMatchObject({ tag: 'A1', text: 'Command line too long' });
  });

  it('skips the non-synchronising literal of a refused over-long line', () => {
    const events = read([`A1 X ${'a'.repeat(100)} {5+}\r\n`, 'z\r\nz\r', '\n', next], { maxLineLength: 50 });
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
  });

  it('finds the {n+} of an over-long line even when it arrives one byte at a time', () => {
    const input = `A1 LOGIN ${'y'.repeat(40)} {5+}\r\nhello\r\n${next}`;
    const events = read(
      [...Buffer.from(input)].map((b) => Buffer.from([b])),
      { maxLineLength: 20 },
    );
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(commands(events)[0]?.tag).toBe('Z9');
  });

  it('skips the non-synchronising literals of a refused command, then reports it', () => {
    const events = read(['A1 LOGIN "unterminated {5+}\r\nhello {3+}\r\nabc\r\n', next]);
    expect(events.map((e) => e.type)).toEqual(['error', 'command']);
    expect(commands(events)[0]?.tag).toBe('Z9');
  });

  it('survives an unterminated literal: the reader just waits for the bytes', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('A1 APPEND INBOX {60000+}\r\npartial'));
    expect(reader.next()).toBeUndefined();
    expect(reader.buffered).toBe(0);
  });

  it('ignores input after a fatal error', () => {
    const reader = new CommandReader({ maxLiteralSkip: 10, maxLiteralSize: 5 });
    reader.push(Buffer.from('A1 APPEND INBOX {11+}\r\n'));
    expect(reader.next()).toMatchObject({ type: 'error', error: { fatal: true } });
    reader.push(Buffer.from('A2 NOOP\r\n'));
    expect(reader.next()).toBeUndefined();
  });
});
