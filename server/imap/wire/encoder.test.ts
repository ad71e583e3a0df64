import { describe, expect, it } from 'vitest';
import { CommandReader } from './command-reader.js';
import {
  astring,
  continuation,
  encodeArguments,
  encodeParts,
  literal,
  mailbox,
  nstring,
  quoted,
  responseCode,
  responseText,
  string,
  tagged,
  untagged,
  untaggedStatus,
} from './encoder.js';
import type { ImapCommand } from './values.js';

const text = (bytes: Buffer | { bytes: Buffer }): string => (Buffer.isBuffer(bytes) ? bytes : bytes.bytes).toString('utf8');

describe('strings (RFC 3501 §4.3)', () => {
  it('quotes plain text and escapes " and \\ only', () => {
    expect(text(string('Hello'))).toBe('"Hello"');
    expect(text(string('a "b" \\c'))).toBe('"a \\"b\\" \\\\c"');
    expect(text(string(''))).toBe('""');
  });

  it('uses a literal for CR, LF and NUL', () => {
    expect(text(string('two\r\nlines'))).toBe('{10}\r\ntwo\r\nlines');
    expect(text(string('bare\nLF'))).toBe('{7}\r\nbare\nLF');
    expect(string(Buffer.from([0x61, 0, 0x62])).bytes).toEqual(Buffer.from('{3}\r\na\0b', 'latin1'));
  });

  it('uses a literal for 8-bit text unless UTF8=ACCEPT is on (RFC 6855 §3)', () => {
    expect(text(string('公文'))).toBe('{6}\r\n公文');
    expect(text(string('公文', { utf8: true }))).toBe('"公文"');
    // Bytes that are not UTF-8 never go in a quoted string.
    expect(string(Buffer.from([0xd6, 0xd0]), { utf8: true }).bytes).toEqual(Buffer.from([...Buffer.from('{2}\r\n'), 0xd6, 0xd0]));
  });

  it('writes literal8 for binary data (RFC 3516 §4.3)', () => {
    expect(literal(Buffer.from([0, 1]), { binary: true }).bytes).toEqual(Buffer.from('~{2}\r\n\0\x01', 'latin1'));
  });

  it('counts literal length in bytes, not characters', () => {
    expect(text(literal('公文'))).toBe('{6}\r\n公文');
  });

  it('refuses to quote what cannot be quoted', () => {
    expect(() => quoted('a\r\nb')).toThrow(RangeError);
    expect(() => quoted('公')).toThrow(RangeError);
  });

  it('writes NIL for a missing nstring (§9)', () => {
    expect(text(nstring(null))).toBe('NIL');
    expect(text(nstring(undefined))).toBe('NIL');
    expect(text(nstring('x'))).toBe('"x"');
  });

  it('writes an astring bare only when it is an atom and not NIL', () => {
    expect(text(astring('INBOX'))).toBe('INBOX');
    expect(text(astring('[Gmail]/Sent'))).toBe('[Gmail]/Sent');
    expect(text(astring('NIL'))).toBe('"NIL"');
    expect(text(astring('a b'))).toBe('"a b"');
    expect(text(astring('50%'))).toBe('"50%"');
    expect(text(astring(''))).toBe('""');
  });
});

describe('mailbox names (RFC 3501 §5.1.3, RFC 6855 §3)', () => {
  it('writes modified UTF-7 by default and UTF-8 after ENABLE UTF8=ACCEPT', () => {
    expect(text(mailbox('收文/2026年'))).toBe('&ZTZlhw-/2026&XnQ-');
    expect(text(mailbox('收文/2026年', { utf8: true }))).toBe('"收文/2026年"');
    expect(text(mailbox('Sent Items'))).toBe('"Sent Items"');
  });
});

describe('response lines (RFC 3501 §7)', () => {
  it('writes untagged data with lists, numbers and literals', () => {
    expect(text(untagged(5, 'EXISTS'))).toBe('* 5 EXISTS\r\n');
    expect(text(untagged('LIST', ['\\HasNoChildren', '\\Sent'], quoted('/'), mailbox('已发送')))).toBe('* LIST (\\HasNoChildren \\Sent) "/" &XfJT0ZAB-\r\n');
    expect(text(untagged(1, 'FETCH', ['UID', 5, 'FLAGS', [], 'MODSEQ', [12345678901234567n], 'BODY[]', literal('Hi\r\n')]))).toBe(
      '* 1 FETCH (UID 5 FLAGS () MODSEQ (12345678901234567) BODY[] {4}\r\nHi\r\n)\r\n',
    );
  });

  it('writes response codes (§7.1; RFC 4315 APPENDUID; RFC 4469 TOOBIG)', () => {
    expect(responseCode('UIDNEXT', 5).text).toBe('[UIDNEXT 5]');
    expect(responseCode('APPENDUID', 1, 2).text).toBe('[APPENDUID 1 2]');
    expect(responseCode('ALERT').text).toBe('[ALERT]');
    expect(responseCode('PERMANENTFLAGS', ['\\Seen', '\\*']).text).toBe('[PERMANENTFLAGS (\\Seen \\*)]');
    expect(responseCode('BADCHARSET', ['UTF-8', 'GB2312']).text).toBe('[BADCHARSET (UTF-8 GB2312)]');
    expect(() => responseCode('X', literal('a'))).toThrow(RangeError);
  });

  it('writes tagged and untagged status lines', () => {
    expect(text(tagged('A1', 'OK', 'APPEND completed', responseCode('APPENDUID', 38505, 3955)))).toBe('A1 OK [APPENDUID 38505 3955] APPEND completed\r\n');
    expect(text(tagged('A2', 'NO', '邮件超过大小限制', responseCode('TOOBIG')))).toBe('A2 NO [TOOBIG] 邮件超过大小限制\r\n');
    expect(text(untaggedStatus('OK', 'Predicted next UID', responseCode('UIDNEXT', 4392)))).toBe('* OK [UIDNEXT 4392] Predicted next UID\r\n');
    expect(text(untaggedStatus('BYE', 'Logging out'))).toBe('* BYE Logging out\r\n');
  });

  it('keeps response text on one line and unambiguous', () => {
    expect(text(tagged('A1', 'BAD', 'evil\r\n* OK injected'))).toBe('A1 BAD evil * OK injected\r\n');
    expect(responseText('[ALERT] fake')).toBe(' [ALERT] fake');
    expect(responseText('')).toBe('completed');
  });

  it('writes continuation requests (§7.5)', () => {
    expect(text(continuation())).toBe('+ Ready\r\n');
    expect(text(continuation(''))).toBe('+ \r\n');
    expect(text(continuation('VGVzdA=='))).toBe('+ VGVzdA==\r\n');
  });

  it('refuses data passed as a plain string, which could inject a line', () => {
    expect(() => untagged('a\r\nb')).toThrow(RangeError);
    expect(() => untagged('公文')).toThrow(RangeError);
    expect(() => tagged('A1\r\n', 'OK', 'x')).toThrow(RangeError);
    expect(() => encodeParts(1.5)).toThrow(RangeError);
  });
});

describe('serialising value trees back to the wire', () => {
  function parse(input: Buffer): ImapCommand {
    const reader = new CommandReader();
    reader.push(input);
    for (let e = reader.next(); e; e = reader.next()) {
      if (e.type === 'command') return e.command;
      if (e.type === 'error') throw e.error;
    }
    throw new Error('no command');
  }

  const samples = [
    'A1 FETCH 1:*,3 (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100> BINARY[1.2] BODY[]<5>)',
    'A2 SEARCH CHARSET UTF-8 OR (FROM "bob" SINCE 1-Feb-2026) NOT KEYWORD $Junk',
    'A3 APPEND INBOX (\\Seen) "7-Feb-2026 10:00:00 +0800" {11}\r\nHello\r\nBye!',
    'A4 STORE 1 +FLAGS.SILENT (\\Deleted nil)',
    'A5 SELECT "收文/2026年"',
    'A6 LOGIN "a \\"quoted\\" name" ~{3}\r\n\0\x01\x02',
  ];
  for (const sample of samples) {
    it(`round-trips ${JSON.stringify(sample.slice(0, 40))}…`, () => {
      const cmd = parse(Buffer.from(`${sample}\r\n`, 'utf8'));
      const again = parse(Buffer.concat([Buffer.from(`${cmd.tag} ${cmd.command} `), encodeArguments(cmd.args), Buffer.from('\r\n')]));
      expect(again).toEqual(cmd);
    });
  }
});
