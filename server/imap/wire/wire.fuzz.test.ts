/**
 * Bounded, reproducible fuzzing of the wire codec: random bytes and mutations of valid commands,
 * fed in random pieces, with a seeded PRNG. Set WIRE_FUZZ_SEED to replay a failure (the seed
 * and iteration are in the assertion message); WIRE_FUZZ_MS / WIRE_FUZZ_ITERATIONS to run longer.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CommandReader, type CommandReaderOptions, type ReaderEvent } from './command-reader.js';
import { encodeArguments } from './encoder.js';
import { parseFetch } from './fetch-parser.js';
import { decodeMutf7, encodeMutf7 } from './mutf7.js';
import { ImapParseError } from './parse-error.js';
import { parseSearch } from './search-parser.js';
import { parseSequenceSet, resolveSequenceSet } from './sequence-set.js';
import type { ImapCommand, ImapValue } from './values.js';

const SEED = Number(process.env.WIRE_FUZZ_SEED ?? 20261128);
const MAX_MS = Number(process.env.WIRE_FUZZ_MS ?? 3000);
const MAX_ITERATIONS = Number(process.env.WIRE_FUZZ_ITERATIONS ?? 20_000);

/** mulberry32: tiny, fast, good enough to explore input space reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'A1 LOGIN "zhang.wei@haining.gov.cn" {8}\r\np@ss w0r\r\n',
  'A2 SELECT "收文/2026年"\r\n',
  'A3 UID FETCH 1:*,3 (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)]<0.2048> BINARY[1.2] MODSEQ) (CHANGEDSINCE 12345)\r\n',
  'A4 FETCH 1 (BODY[1.2.MIME] BODY[TEXT]<0.100> BINARY.SIZE[1] RFC822.SIZE ENVELOPE)\r\n',
  'A5 SEARCH RETURN (MIN MAX COUNT) CHARSET UTF-8 OR (FROM "bob" SINCE 1-Feb-2026) NOT KEYWORD $Junk UID 1:* MODSEQ 5\r\n',
  'A6 APPEND INBOX (\\Seen \\Draft) "07-Feb-2026 10:00:00 +0800" {21+}\r\nSubject: hi\r\n\r\nhello\r\n',
  'A7 APPEND Drafts ~{4}\r\n\0\x01\x02\x03\r\n',
  'A8 STORE 1:3 +FLAGS.SILENT (\\Deleted $Forwarded)\r\n',
  'A9 LIST "" "%"\r\nB1 LIST "" [Gmail]/*\r\n',
  'B2 IDLE\r\nDONE\r\n',
  'B3 AUTHENTICATE PLAIN\r\nAGJvYgBzZWNyZXQ=\r\n',
  'B4 SEARCH CHARSET GB2312 SUBJECT {4+}\r\n\xcd\xa8\xd6\xaa\r\n',
  'B5 ENABLE UTF8=ACCEPT CONDSTORE\r\nB6 NAMESPACE\r\nB7 ID ("name" "Foxmail" "version" NIL)\r\n',
  'B8 GETQUOTAROOT INBOX\r\nB9 UID MOVE 4:7 "&XfJT0ZAB-"\r\nC1 UNSELECT\r\nC2 UID EXPUNGE 1:2\r\n',
];

const SPECIALS = ['{', '}', '(', ')', '[', ']', '<', '>', '"', '\\', '\r\n', '\r', '\n', '\0', '\xff', ' ', '~{5+}\r\n', '{3}\r\n', '{99999999999+}\r\n', '*', '%', '+', '.', 'NIL', '&', '-'];

function mutate(rand: () => number, input: Buffer): Buffer {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  let bytes = Buffer.from(input);
  const rounds = 1 + Math.floor(rand() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rand() * (bytes.length + 1));
    switch (Math.floor(rand() * 7)) {
      case 0: // flip a byte
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(rand() * 256);
        break;
      case 1: // insert a protocol-significant token
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(SPECIALS), 'latin1'), bytes.subarray(at)]);
        break;
      case 2: {
        // delete a range
        const length = Math.floor(rand() * 8);
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
        break;
      }
      case 3: {
        // duplicate a range
        const length = Math.floor(rand() * 16);
        bytes = Buffer.concat([bytes.subarray(0, at + length), bytes.subarray(at, at + length), bytes.subarray(at + length)]);
        break;
      }
      case 4: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 5: // deep nesting
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from('('.repeat(Math.floor(rand() * 60))), bytes.subarray(at)]);
        break;
      case 6: // splice in another command
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(SEEDS), 'latin1')]);
        break;
    }
  }
  return bytes;
}

function randomInput(rand: () => number): Buffer {
  const choice = rand();
  if (choice < 0.15) {
    const bytes = Buffer.alloc(Math.floor(rand() * 300));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
    return bytes;
  }
  const base: Buffer[] = [];
  const count = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < count; i++) base.push(Buffer.from(SEEDS[Math.floor(rand() * SEEDS.length)] ?? '', 'latin1'));
  const joined = Buffer.concat(base);
  return choice < 0.25 ? joined : mutate(rand, joined);
}

/** A cheap assertion for the hot loop: vitest's expect costs more than the code under test. */
function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

function checkValue(value: ImapValue, depth: number): void {
  check(depth <= 40, 'value nested deeper than any limit allows');
  switch (value.type) {
    case 'atom':
      check(/^[\x21-\x7e]+$/.test(value.value), `atom ${JSON.stringify(value.value)} is not printable ASCII`);
      return;
    case 'number':
      check(Number.isSafeInteger(value.value) && value.value >= 0, 'number out of range');
      return;
    case 'nil':
      check(value.raw.toUpperCase() === 'NIL', 'nil is not NIL');
      return;
    case 'quoted':
      check(!/[\r\n\0]/.test(value.value), 'quoted string holds CR, LF or NUL');
      return;
    case 'literal':
      check(Buffer.isBuffer(value.value), 'literal is not a Buffer');
      check(value.binary || !value.value.includes(0), 'NUL in a plain literal');
      return;
    case 'list':
      value.items.forEach((item) => checkValue(item, depth + 1));
      return;
    case 'section':
      check(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE'].includes(value.name), `section name ${value.name}`);
      value.section.forEach((item) => checkValue(item, depth + 1));
      return;
  }
}

/** Everything a server would do with a command must return a value, never throw. */
function exerciseCommand(command: ImapCommand): void {
  check(/^[\x21-\x7e]+$/.test(command.tag) && !/[+*%"\\(){]/.test(command.tag), `bad tag ${JSON.stringify(command.tag)}`);
  check(/^(UID )?[A-Z][A-Z0-9-]*$/.test(command.command), `bad command ${JSON.stringify(command.command)}`);
  command.args.forEach((v) => checkValue(v, 0));
  check(typeof parseSearch(command.args).ok === 'boolean', 'parseSearch');
  check(typeof parseFetch(command.args, { uid: true }).ok === 'boolean', 'parseFetch');
  // Serialising and reading back gives the same tree.
  const reader = new CommandReader();
  reader.push(Buffer.concat([Buffer.from(`${command.tag} ${command.command}${command.args.length ? ' ' : ''}`), encodeArguments(command.args), Buffer.from('\r\n')]));
  let again: ImapCommand | undefined;
  for (let e = reader.next(); e; e = reader.next()) if (e.type === 'command') again = e.command;
  check(isDeepStrictEqual(again, command), 'command does not survive encodeArguments and a second reading');
}

/**
 * Runs one input through a reader, cut into pieces by `pieces`, and returns what came out. The
 * server's choices (refuse a literal, expect a raw line) depend only on the event count, so the
 * same input must give the same events however it is cut — the reader never reads ahead.
 */
function run(input: Buffer, options: CommandReaderOptions, pieces: () => number): string[] {
  const reader = new CommandReader(options);
  const out: string[] = [];
  let offset = 0;
  let dead = false;
  while (offset < input.length && !dead) {
    const size = pieces();
    reader.push(input.subarray(offset, offset + size));
    offset += size;
    for (let event: ReaderEvent | undefined = reader.next(); event; event = reader.next()) {
      const n = out.length;
      check(n <= input.length, 'more events than input bytes');
      switch (event.type) {
        case 'command':
          exerciseCommand(event.command);
          if (/IDLE|AUTHENTICATE/.test(event.command.command) || n % 17 === 3) reader.expectLine();
          out.push(`command ${JSON.stringify(event.command)}`);
          break;
        case 'continue':
          check(event.size >= 0, 'negative literal size');
          if (n % 5 === 0) reader.cancelCommand();
          out.push(`continue ${event.tag} ${event.command} ${event.size} ${event.binary}`);
          break;
        case 'line':
          out.push(`line ${JSON.stringify(event.text)}`);
          break;
        case 'error':
          check(event.error instanceof ImapParseError, 'error is not an ImapParseError');
          check(/^[\x20-\x7e]+$/.test(event.error.text), `error text ${JSON.stringify(event.error.text)}`);
          dead = event.error.fatal;
          out.push(`error ${event.error.tag} ${event.error.command} ${event.error.code} ${event.error.fatal} ${event.error.text}`);
          break;
        default:
          throw new Error(`unknown event ${JSON.stringify(event)}`);
      }
    }
    check(reader.buffered <= input.length, 'reader holds more than it was given');
  }
  return out;
}

describe('fuzzing the command reader', () => {
  it(`never throws, yields only commands, continuations, lines and parse errors, whatever the chunking (seed ${SEED})`, () => {
    const rand = prng(SEED);
    const started = Date.now();
    let iterations = 0;
    const seen = { command: 0, continue: 0, line: 0, error: 0 };
    while (iterations < MAX_ITERATIONS && Date.now() - started < MAX_MS) {
      iterations++;
      const input = randomInput(rand);
      const options: CommandReaderOptions =
        rand() < 0.5
          ? {}
          : {
              maxLineLength: 16 + Math.floor(rand() * 512),
              maxLiteralSize: Math.floor(rand() * 64),
              maxLiteralSkip: Math.floor(rand() * 64),
              maxNestingDepth: 1 + Math.floor(rand() * 8),
              maxArguments: 1 + Math.floor(rand() * 40),
            };
      const small = rand() < 0.3;
      try {
        const whole = run(input, options, () => input.length);
        const chunked = run(input, options, () => 1 + Math.floor(rand() * (small ? 4 : 200)));
        check(isDeepStrictEqual(whole, chunked), `chunking changed the events:\n${whole.join('\n')}\n---\n${chunked.join('\n')}`);
        for (const event of whole) seen[event.slice(0, event.indexOf(' ')) as keyof typeof seen]++;
      } catch (err) {
        const where = `seed ${SEED}, iteration ${iterations}, input ${JSON.stringify(input.toString('latin1'))}, options ${JSON.stringify(options)}`;
        throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    if (process.env.WIRE_FUZZ_VERBOSE) console.log({ iterations, ...seen });
    // The corpus must actually reach every kind of event, or the fuzzer tests nothing.
    expect(seen.command).toBeGreaterThan(0);
    expect(seen.continue).toBeGreaterThan(0);
    expect(seen.line).toBeGreaterThan(0);
    expect(seen.error).toBeGreaterThan(0);
  });
});

describe('fuzzing modified UTF-7 (RFC 3501 §5.1.3) and sequence sets (RFC 3501 §9)', () => {
  it('decodeMutf7 never throws, and whatever it accepts re-encodes to the same text', () => {
    const rand = prng(SEED ^ 0x5a5a5a5a);
    const alphabet = '&-&-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,/= \x7f\u00e9';
    const started = Date.now();
    for (let i = 0; i < MAX_ITERATIONS && Date.now() - started < MAX_MS / 6; i++) {
      let text = '';
      const length = Math.floor(rand() * 24);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const result = decodeMutf7(text);
      if (result.ok) expect(encodeMutf7(result.value), JSON.stringify(text)).toBe(text);
    }
  });

  it('random Unicode names round-trip', () => {
    const rand = prng(SEED ^ 0x33333333);
    for (let i = 0; i < 2000; i++) {
      let name = '';
      const length = Math.floor(rand() * 12);
      for (let j = 0; j < length; j++) {
        const kind = rand();
        const code = kind < 0.4 ? 0x20 + Math.floor(rand() * 0x5f) : kind < 0.8 ? 0x4e00 + Math.floor(rand() * 0x5000) : 0x1f300 + Math.floor(rand() * 0x300);
        name += code === 0x7f ? 'x' : String.fromCodePoint(code);
      }
      expect(decodeMutf7(encodeMutf7(name))).toEqual({ ok: true, value: name });
    }
  });

  it('parseSequenceSet never throws, and accepted sets resolve', () => {
    const rand = prng(SEED ^ 0x77777777);
    const alphabet = '0123456789:*,,::$ 9';
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const length = Math.floor(rand() * 16);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const result = parseSequenceSet(text);
      if (result.ok) expect(resolveSequenceSet(result.value, 100).size).toBeGreaterThanOrEqual(0);
    }
  });
});
