/**
 * The pure parts of the POP3 server: line splitting with a length limit, command parsing, the
 * byte-stuffing encoder (RFC 1939 §3) with TOP's line count (§7), and SASL PLAIN (RFC 4616).
 * The encoder must give the same bytes however the message is cut into chunks.
 */
import { describe, expect, it } from 'vitest';
import { parseCommand, parseNumber } from '../../server/pop3/wire/command.js';
import { LineReader } from '../../server/pop3/wire/line-reader.js';
import { encodeMultiline, MultilineEncoder } from '../../server/pop3/wire/multiline.js';
import { decodeSaslPlain } from '../../server/pop3/sasl-plain.js';
import { capabilities } from '../../server/pop3/capabilities.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function encodeInChunks(raw: Buffer, cuts: number[], bodyLines?: number): Buffer {
  const encoder = new MultilineEncoder(bodyLines);
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, raw.length]) {
    if (encoder.done) break;
    out.push(encoder.push(raw.subarray(start, cut)));
    start = cut;
  }
  out.push(encoder.end());
  return Buffer.concat(out);
}

describe('MultilineEncoder (RFC 1939 §3 byte-stuffing)', () => {
  it('doubles a leading dot on every line and ends with ".\\r\\n"', () => {
    expect(encodeMultiline(b('.a\r\nb.\r\n.\r\n..\r\n')).toString('latin1')).toBe('..a\r\nb.\r\n..\r\n...\r\n.\r\n');
  });

  it('adds a line ending when the message lacks a final one, and turns bare LF into CRLF', () => {
    expect(encodeMultiline(b('a\r\nb')).toString('latin1')).toBe('a\r\nb\r\n.\r\n');
    expect(encodeMultiline(b('a\n.b\n\nc\r')).toString('latin1')).toBe('a\r\n..b\r\n\r\nc\r\n.\r\n');
    expect(encodeMultiline(b('')).toString('latin1')).toBe('.\r\n');
  });

  it('gives the same bytes for every way of cutting the input into chunks', () => {
    const raw = b('Subject: x\r\n\r\n.one\r\n\r\n..two\n.\r\nthree\r\n.');
    const whole = encodeMultiline(raw);
    for (let i = 0; i <= raw.length; i++) {
      for (let j = i; j <= raw.length; j += 3) expect(encodeInChunks(raw, [i, j]).equals(whole), `cuts ${i},${j}`).toBe(true);
    }
    // One byte at a time.
    expect(encodeInChunks(raw, Array.from({ length: raw.length }, (_, k) => k)).equals(whole)).toBe(true);
  });

  it('TOP: header, blank line, then n body lines, whatever the chunking', () => {
    const raw = b('A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n');
    expect(encodeMultiline(raw, 0).toString('latin1')).toBe('A: 1\r\nB: 2\r\n\r\n.\r\n');
    expect(encodeMultiline(raw, 2).toString('latin1')).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n');
    expect(encodeMultiline(raw, 10).equals(encodeMultiline(raw))).toBe(true);
    for (let i = 0; i <= raw.length; i++) expect(encodeInChunks(raw, [i], 1).toString('latin1'), `cut ${i}`).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\n.\r\n');
    // A message with no body separator is all header.
    expect(encodeMultiline(b('A: 1\r\nB: 2'), 0).toString('latin1')).toBe('A: 1\r\nB: 2\r\n.\r\n');
    expect(() => new MultilineEncoder(-1)).toThrow(RangeError);
  });
});

describe('LineReader', () => {
  it('splits on CRLF or LF, across chunks', () => {
    const reader = new LineReader(100);
    expect(reader.push(b('NO'))).toEqual([]);
    expect(reader.push(b('OP\r\nSTAT\nLI'))).toEqual([
      { kind: 'line', line: b('NOOP') },
      { kind: 'line', line: b('STAT') },
    ]);
    expect(reader.push(b('ST\r'))).toEqual([]);
    expect(reader.push(b('\n'))).toEqual([{ kind: 'line', line: b('LIST') }]);
  });

  it('reports an over-long line once, without buffering it, and goes on', () => {
    const reader = new LineReader(10);
    expect(reader.push(b('0123456789'))).toEqual([]);
    expect(reader.push(b('x'.repeat(10_000)))).toEqual([]);
    expect(reader.push(b('\r\nNOOP\r\n'))).toEqual([{ kind: 'too-long' }, { kind: 'line', line: b('NOOP') }]);
    // Exactly at the limit, CRLF included, is accepted.
    expect(reader.push(b('12345678\r\n'))).toEqual([{ kind: 'line', line: b('12345678') }]);
    expect(reader.push(b('123456789\r\n'))).toEqual([{ kind: 'too-long' }]);
  });

  it('reset drops a partial line (what was sent before STLS)', () => {
    const reader = new LineReader(100);
    reader.push(b('USER evil'));
    reader.reset();
    expect(reader.push(b('\r\n'))).toEqual([{ kind: 'line', line: b('') }]);
  });
});

describe('parseCommand', () => {
  it('upper-cases the keyword and keeps the rest of the line for PASS', () => {
    expect(parseCommand(b('pass my secret  phrase'))).toEqual({ keyword: 'PASS', args: ['my', 'secret', 'phrase'], rest: 'my secret  phrase' });
    expect(parseCommand(b('stat'))).toEqual({ keyword: 'STAT', args: [], rest: '' });
    expect(parseCommand(b(''))).toBeNull();
    expect(parseCommand(b('\x00\xff'))).toBeNull();
    expect(parseCommand(b(' STAT'))).toBeNull();
  });

  it('accepts only plain decimal numbers', () => {
    expect(parseNumber('12')).toBe(12);
    for (const bad of [undefined, '', '-1', '+1', '1e3', '0x10', '1.0', '99999999999']) expect(parseNumber(bad), String(bad)).toBeNull();
  });
});

describe('SASL PLAIN (RFC 4616)', () => {
  const encode = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  it('decodes authzid, authcid and password', () => {
    expect(decodeSaslPlain(encode('\0zhangwei@haining.gov.cn\0密码 with space'))).toEqual({ authzid: '', authcid: 'zhangwei@haining.gov.cn', password: '密码 with space' });
    expect(decodeSaslPlain(encode('a\0b\0c'))).toEqual({ authzid: 'a', authcid: 'b', password: 'c' });
  });
  it('refuses malformed messages', () => {
    for (const bad of ['=', '!!!!', 'abc', encode('no-nuls'), encode('\0only-one'), encode('\0\0pw'), encode('\0u\0'), encode('a\0b\0c\0d')]) expect(decodeSaslPlain(bad), bad).toBeNull();
  });
});

describe('CAPA (RFC 2449 §5)', () => {
  it('offers a way to log in only over TLS, and STLS only without it', () => {
    expect(capabilities('AUTHORIZATION', false)).toContain('STLS');
    expect(capabilities('AUTHORIZATION', false)).not.toContain('USER');
    expect(capabilities('AUTHORIZATION', false).some((c) => c.startsWith('SASL'))).toBe(false);
    expect(capabilities('AUTHORIZATION', true)).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN']));
    expect(capabilities('AUTHORIZATION', true)).not.toContain('STLS');
    expect(capabilities('TRANSACTION', true)).not.toContain('USER');
  });
});
