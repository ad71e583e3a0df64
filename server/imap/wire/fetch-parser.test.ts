import { describe, expect, it } from 'vitest';
import { CommandReader } from './command-reader.js';
import { type FetchAttribute, type FetchParserOptions, type FetchRequest, fetchResponseName, parseFetch } from './fetch-parser.js';
import type { ImapValue } from './values.js';

function args(rest: string): ImapValue[] {
  const reader = new CommandReader();
  reader.push(Buffer.from(`t FETCH ${rest}\r\n`));
  const event = reader.next();
  if (event?.type !== 'command') throw new Error(`not a command: ${JSON.stringify(event)}`);
  return event.command.args;
}

function fetch(rest: string, options?: FetchParserOptions): FetchRequest {
  const result = parseFetch(args(rest), options);
  if (!result.ok) throw new Error(result.error.text);
  return result.value;
}

function attributes(list: string): FetchAttribute[] {
  return fetch(`1 ${list}`).attributes;
}

function refused(rest: string): string {
  const result = parseFetch(args(rest));
  if (result.ok) throw new Error(`expected ${rest} to be refused`);
  return result.error.text;
}

const body = (part: number[], text?: string, fields?: string[]) => ({ part, text, fields });

describe('FETCH attributes (RFC 3501 §6.4.5)', () => {
  it('reads simple attributes', () => {
    expect(attributes('(ENVELOPE FLAGS INTERNALDATE RFC822.SIZE UID BODYSTRUCTURE BODY RFC822 RFC822.HEADER RFC822.TEXT)').map((a) => a.type)).toEqual([
      'ENVELOPE',
      'FLAGS',
      'INTERNALDATE',
      'RFC822.SIZE',
      'UID',
      'BODYSTRUCTURE',
      'BODY',
      'RFC822',
      'RFC822.HEADER',
      'RFC822.TEXT',
    ]);
    expect(attributes('flags')).toEqual([{ type: 'FLAGS' }]);
  });

  it('expands the macros ALL, FAST and FULL', () => {
    expect(attributes('ALL').map((a) => a.type)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']);
    expect(attributes('fast').map((a) => a.type)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    expect(attributes('FULL').map((a) => a.type)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']);
  });

  it('refuses macros inside a list', () => {
    expect(refused('1 (ALL)')).toMatch(/Unknown/);
  });

  it('reads BODY[section]<partial> and BODY.PEEK', () => {
    expect(attributes('(BODY[] BODY.PEEK[HEADER] BODY[TEXT] BODY[1] BODY[1.2.MIME]<0.2048> BODY.PEEK[2.HEADER.FIELDS (FROM TO)]<0.100> BODY[HEADER.FIELDS.NOT ("X-Spam" Received)])')).toEqual([
      { type: 'BODY[]', peek: false, section: body([]), partial: undefined },
      { type: 'BODY[]', peek: true, section: body([], 'HEADER'), partial: undefined },
      { type: 'BODY[]', peek: false, section: body([], 'TEXT'), partial: undefined },
      { type: 'BODY[]', peek: false, section: body([1]), partial: undefined },
      { type: 'BODY[]', peek: false, section: body([1, 2], 'MIME'), partial: { offset: 0, length: 2048 } },
      { type: 'BODY[]', peek: true, section: body([2], 'HEADER.FIELDS', ['FROM', 'TO']), partial: { offset: 0, length: 100 } },
      { type: 'BODY[]', peek: false, section: body([], 'HEADER.FIELDS.NOT', ['X-Spam', 'Received']), partial: undefined },
    ]);
  });

  it('refuses malformed sections', () => {
    for (const bad of ['BODY[MIME]', 'BODY[0]', 'BODY[1.0]', 'BODY[01]', 'BODY[HEADER.FIELDS]', 'BODY[HEADER.FIELDS ()]', 'BODY[HEADER (FROM)]', 'BODY[FOO]', 'BODY[1.FOO]', 'BODY[]<5>', 'BODY[]<0.0>', 'BODY[HEADER.FIELDS (FROM) x]', 'BODY[HEADER.FIELDS ("a:b")]']) {
      expect(parseFetch(args(`1 ${bad}`)).ok, bad).toBe(false);
    }
  });
});

describe('BINARY (RFC 3516 §4.2)', () => {
  it('reads BINARY, BINARY.PEEK and BINARY.SIZE', () => {
    expect(attributes('(BINARY[1] BINARY.PEEK[1.2]<0.1024> BINARY.SIZE[3] BINARY[])')).toEqual([
      { type: 'BINARY[]', peek: false, part: [1], partial: undefined },
      { type: 'BINARY[]', peek: true, part: [1, 2], partial: { offset: 0, length: 1024 } },
      { type: 'BINARY.SIZE[]', part: [3] },
      { type: 'BINARY[]', peek: false, part: [], partial: undefined },
    ]);
  });

  it('takes part numbers only', () => {
    expect(refused('1 BINARY[1.HEADER]')).toMatch(/BINARY/);
    expect(refused('1 BINARY.SIZE[1]<0.10>')).toMatch(/BINARY.SIZE/);
  });
});

describe('CONDSTORE (RFC 7162 §3.1.3, §3.1.4.1)', () => {
  it('reads MODSEQ and the CHANGEDSINCE modifier, which implies MODSEQ', () => {
    expect(attributes('(FLAGS MODSEQ)').map((a) => a.type)).toEqual(['FLAGS', 'MODSEQ']);
    const request = fetch('1:* (FLAGS) (CHANGEDSINCE 12345)');
    expect(request.changedSince).toBe(12345n);
    expect(request.attributes.map((a) => a.type)).toEqual(['FLAGS', 'MODSEQ']);
  });

  it('refuses unknown, repeated or malformed modifiers', () => {
    expect(refused('1 FLAGS (VANISHED)')).toMatch(/modifier/);
    expect(refused('1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)')).toMatch(/modifier/);
    expect(refused('1 FLAGS (CHANGEDSINCE x)')).toMatch(/CHANGEDSINCE/);
    expect(refused('1 FLAGS (CHANGEDSINCE 9223372036854775808)')).toMatch(/CHANGEDSINCE/);
    expect(refused('1 FLAGS CHANGEDSINCE')).toMatch(/modifiers/);
  });
});

describe('the request as a whole', () => {
  it('reads the sequence set and adds UID for UID FETCH (RFC 3501 §6.4.8)', () => {
    const request = fetch('1:*,7 FLAGS', { uid: true });
    expect(request.set.ranges).toEqual([
      { start: 1, end: '*' },
      { start: 7, end: 7 },
    ]);
    expect(request.attributes.map((a) => a.type)).toEqual(['FLAGS', 'UID']);
    expect(fetch('1 (UID FLAGS)', { uid: true }).attributes.map((a) => a.type)).toEqual(['UID', 'FLAGS']);
  });

  it('says whether the fetch sets \\Seen (RFC 3501 §6.4.5)', () => {
    expect(fetch('1 BODY[]').setsSeen).toBe(true);
    expect(fetch('1 BODY.PEEK[]').setsSeen).toBe(false);
    expect(fetch('1 RFC822').setsSeen).toBe(true);
    expect(fetch('1 RFC822.HEADER').setsSeen).toBe(false);
    expect(fetch('1 BINARY[1]').setsSeen).toBe(true);
    expect(fetch('1 (FLAGS BINARY.SIZE[1])').setsSeen).toBe(false);
  });

  it('refuses bad shapes', () => {
    expect(refused('1')).toMatch(/FETCH/);
    expect(refused('x FLAGS')).toMatch(/sequence set/i);
    expect(refused('1 ()')).toMatch(/Empty/);
    expect(refused('1 (FLAGS BOGUS)')).toMatch(/Unknown/);
    expect(refused('1 FLAGS (CHANGEDSINCE 1) extra')).toMatch(/FETCH/);
  });
});

describe('reply names (RFC 3501 §7.4.2)', () => {
  it('drops PEEK and shortens the partial range to its origin', () => {
    const names = attributes('(BODY.PEEK[1.2.HEADER.FIELDS (FROM "X-Mailer")]<0.100> BODY[] BINARY.PEEK[1]<10.20> BINARY.SIZE[2] RFC822.SIZE)').map(fetchResponseName);
    expect(names).toEqual(['BODY[1.2.HEADER.FIELDS (FROM X-Mailer)]<0>', 'BODY[]', 'BINARY[1]<10>', 'BINARY.SIZE[2]', 'RFC822.SIZE']);
  });
});
