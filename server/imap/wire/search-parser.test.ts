import { describe, expect, it } from 'vitest';
import { CommandReader } from './command-reader.js';
import { type SearchKey, type SearchProgram, parseImapDate, parseSearch } from './search-parser.js';
import type { ImapValue } from './values.js';

/** The arguments of `t SEARCH <criteria>`, read by the real reader (literals sent as LITERAL+). */
function args(criteria: string | Buffer): ImapValue[] {
  const reader = new CommandReader();
  reader.push(Buffer.concat([Buffer.from('t SEARCH '), Buffer.isBuffer(criteria) ? criteria : Buffer.from(criteria, 'utf8'), Buffer.from('\r\n')]));
  const event = reader.next();
  if (event?.type !== 'command') throw new Error(`not a command: ${JSON.stringify(event)}`);
  return event.command.args;
}

function program(criteria: string | Buffer): SearchProgram {
  const result = parseSearch(args(criteria));
  if (!result.ok) throw new Error(result.error.text);
  return result.value;
}

function key(criteria: string | Buffer): SearchKey {
  return program(criteria).criteria;
}

function refused(criteria: string | Buffer): string {
  const result = parseSearch(args(criteria));
  if (result.ok) throw new Error(`expected ${String(criteria)} to be refused`);
  return result.error.text;
}

const flag = (name: string, set: boolean): SearchKey => ({ type: 'flag', flag: name, set });

describe('search keys (RFC 3501 §6.4.4)', () => {
  const simple: Array<[string, SearchKey]> = [
    ['ALL', { type: 'all' }],
    ['ANSWERED', flag('\\Answered', true)],
    ['DELETED', flag('\\Deleted', true)],
    ['DRAFT', flag('\\Draft', true)],
    ['FLAGGED', flag('\\Flagged', true)],
    ['RECENT', flag('\\Recent', true)],
    ['SEEN', flag('\\Seen', true)],
    ['UNANSWERED', flag('\\Answered', false)],
    ['UNDELETED', flag('\\Deleted', false)],
    ['UNDRAFT', flag('\\Draft', false)],
    ['UNFLAGGED', flag('\\Flagged', false)],
    ['UNSEEN', flag('\\Seen', false)],
    ['OLD', flag('\\Recent', false)],
    ['NEW', { type: 'and', keys: [flag('\\Recent', true), flag('\\Seen', false)] }],
    ['KEYWORD $Important', flag('$Important', true)],
    ['UNKEYWORD $Junk', flag('$Junk', false)],
    ['BCC bob', { type: 'header', field: 'BCC', value: 'bob' }],
    ['CC "Li Lei"', { type: 'header', field: 'CC', value: 'Li Lei' }],
    ['FROM zhang@haining.gov.cn', { type: 'header', field: 'FROM', value: 'zhang@haining.gov.cn' }],
    ['TO ""', { type: 'header', field: 'TO', value: '' }],
    ['SUBJECT "通知"', { type: 'header', field: 'SUBJECT', value: '通知' }],
    ['HEADER X-Priority 1', { type: 'header', field: 'X-PRIORITY', value: '1' }],
    ['HEADER "Message-ID" ""', { type: 'header', field: 'MESSAGE-ID', value: '' }],
    ['BODY budget', { type: 'body', value: 'budget' }],
    ['TEXT "year 2026"', { type: 'text', value: 'year 2026' }],
    ['BEFORE 1-Feb-2026', { type: 'date', field: 'internal', comparison: 'before', date: { year: 2026, month: 2, day: 1 } }],
    ['ON "29-Feb-2028"', { type: 'date', field: 'internal', comparison: 'on', date: { year: 2028, month: 2, day: 29 } }],
    ['SINCE 31-dec-2025', { type: 'date', field: 'internal', comparison: 'since', date: { year: 2025, month: 12, day: 31 } }],
    ['SENTBEFORE 01-Jan-2026', { type: 'date', field: 'sent', comparison: 'before', date: { year: 2026, month: 1, day: 1 } }],
    ['SENTON 15-Jun-2026', { type: 'date', field: 'sent', comparison: 'on', date: { year: 2026, month: 6, day: 15 } }],
    ['SENTSINCE 9-Sep-2026', { type: 'date', field: 'sent', comparison: 'since', date: { year: 2026, month: 9, day: 9 } }],
    ['LARGER 1048576', { type: 'size', comparison: 'larger', size: 1048576 }],
    ['SMALLER 100', { type: 'size', comparison: 'smaller', size: 100 }],
    ['NOT SEEN', { type: 'not', key: flag('\\Seen', true) }],
    ['OR SEEN FLAGGED', { type: 'or', left: flag('\\Seen', true), right: flag('\\Flagged', true) }],
    ['UID 1:*', { type: 'uid', set: { ranges: [{ start: 1, end: '*' }] } }],
    ['2:4,7', { type: 'sequence', set: { ranges: [{ start: 2, end: 4 }, { start: 7, end: 7 }] } }],
    ['5', { type: 'sequence', set: { ranges: [{ start: 5, end: 5 }] } }],
    ['*', { type: 'sequence', set: { ranges: [{ start: '*', end: '*' }] } }],
    ['(SEEN)', flag('\\Seen', true)],
    ['(SEEN FLAGGED)', { type: 'and', keys: [flag('\\Seen', true), flag('\\Flagged', true)] }],
  ];
  for (const [criteria, expected] of simple) {
    it(criteria, () => {
      expect(key(criteria)).toEqual(expected);
    });
  }

  it('is case-insensitive in key names', () => {
    expect(key('unseen')).toEqual(flag('\\Seen', false));
  });

  it('ANDs top-level keys and nests OR / NOT / groups', () => {
    expect(key('UNSEEN OR (FROM a SUBJECT b) NOT TO c')).toEqual({
      type: 'and',
      keys: [
        flag('\\Seen', false),
        {
          type: 'or',
          left: {
            type: 'and',
            keys: [
              { type: 'header', field: 'FROM', value: 'a' },
              { type: 'header', field: 'SUBJECT', value: 'b' },
            ],
          },
          right: { type: 'not', key: { type: 'header', field: 'TO', value: 'c' } },
        },
      ],
    });
  });

  it('reads search strings from literals', () => {
    expect(key(Buffer.from('SUBJECT {6+}\r\n通知'))).toEqual({ type: 'header', field: 'SUBJECT', value: '通知' });
  });

  const bad: Array<[string, RegExp]> = [
    ['', /expected/],
    ['BOGUS', /Unknown search key/],
    ['FROM', /expected/],
    ['OR SEEN', /expected/],
    ['NOT', /expected/],
    ['BEFORE 2026-02-01', /Date/],
    ['BEFORE 30-Feb-2026', /Date/],
    ['BEFORE 1-Foo-2026', /Date/],
    ['SINCE 0-Jan-2026', /Date/],
    ['LARGER abc', /number/],
    ['LARGER "5"', /number/],
    ['KEYWORD \\Seen', /Keyword/],
    ['UID', /sequence set/i],
    ['UID 0', /sequence set/i],
    ['1:x', /sequence set/i],
    ['()', /Empty/],
    ['HEADER "Bad:Name" x', /field name/],
    ['SEEN (FLAGGED', /./],
  ];
  for (const [criteria, reason] of bad) {
    it(`refuses ${JSON.stringify(criteria)}`, () => {
      const events = (() => {
        const reader = new CommandReader();
        reader.push(Buffer.from(`t SEARCH ${criteria}\r\n`));
        return reader.next();
      })();
      // A key the reader already refuses (unbalanced parentheses) never reaches the parser.
      if (events?.type === 'error') return;
      expect(refused(criteria)).toMatch(reason);
    });
  }

  it('refuses NOT chains past the depth limit without exhausting the stack', () => {
    expect(refused(`${'NOT '.repeat(5000)}SEEN`)).toMatch(/nested/);
    expect(key(`${'NOT '.repeat(10)}SEEN`).type).toBe('not');
  });
});

describe('CHARSET (RFC 3501 §6.4.4)', () => {
  it('decodes literals in the named charset: GB2312 / GBK / GB18030', () => {
    const gbk = Buffer.from([0xcd, 0xa8, 0xd6, 0xaa]); // 通知
    for (const charset of ['GB2312', 'GBK', 'GB18030']) {
      const parsed = program(Buffer.concat([Buffer.from(`CHARSET ${charset} SUBJECT {4+}\r\n`), gbk]));
      expect(parsed.charset).toBe(charset);
      expect(parsed.criteria).toEqual({ type: 'header', field: 'SUBJECT', value: '通知' });
    }
  });

  it('defaults to UTF-8 and refuses bytes that are not', () => {
    expect(refused(Buffer.concat([Buffer.from('SUBJECT {2+}\r\n'), Buffer.from([0xd6, 0xd0])]))).toMatch(/UTF-8/); // 中 in GBK
  });

  it('answers an unknown charset with BADCHARSET', () => {
    const result = parseSearch(args('CHARSET X-KLINGON ALL'));
    expect(result).toMatchObject({ ok: false, error: { code: 'BADCHARSET' } });
  });

  it('limits charsets to the server list when given', () => {
    expect(parseSearch(args('CHARSET BIG5 ALL'), { charsets: ['UTF-8', 'US-ASCII'] })).toMatchObject({ ok: false, error: { code: 'BADCHARSET' } });
    expect(parseSearch(args('CHARSET utf-8 ALL'), { charsets: ['UTF-8'] })).toMatchObject({ ok: true, value: { charset: 'UTF-8' } });
  });
});

describe('ESEARCH RETURN (RFC 4731 §3.1)', () => {
  it('reads result options and leaves them undefined for plain SEARCH', () => {
    expect(program('RETURN (MIN MAX COUNT) UNSEEN').returnOptions).toEqual(['MIN', 'MAX', 'COUNT']);
    expect(program('RETURN (all) ALL').returnOptions).toEqual(['ALL']);
    expect(program('UNSEEN').returnOptions).toBeUndefined();
  });

  it('treats RETURN () as RETURN (ALL)', () => {
    expect(program('RETURN () ALL').returnOptions).toEqual(['ALL']);
  });

  it('comes before CHARSET', () => {
    expect(program('RETURN (COUNT) CHARSET UTF-8 ALL')).toMatchObject({ charset: 'UTF-8', returnOptions: ['COUNT'] });
  });

  it('refuses unknown options', () => {
    expect(refused('RETURN (PARTIAL 1:10) ALL')).toMatch(/RETURN/);
    expect(refused('RETURN MIN ALL')).toMatch(/RETURN/);
  });
});

describe('CONDSTORE MODSEQ (RFC 7162 §3.1.5)', () => {
  it('reads a mod-sequence, as bigint up to 2^63-1', () => {
    expect(program('MODSEQ 620162338')).toMatchObject({ usesModseq: true, criteria: { type: 'modseq', modseq: 620162338n, entry: undefined } });
    expect(key('MODSEQ 9223372036854775807')).toMatchObject({ modseq: 9223372036854775807n });
    expect(key('MODSEQ 0')).toMatchObject({ modseq: 0n });
  });

  it('reads the optional entry name and type', () => {
    expect(key('MODSEQ "/flags/\\\\draft" all 620162338')).toEqual({ type: 'modseq', modseq: 620162338n, entry: { name: '/flags/\\draft', kind: 'all' } });
  });

  it('notices MODSEQ inside groups', () => {
    expect(program('OR SEEN (MODSEQ 5)').usesModseq).toBe(true);
    expect(program('SEEN').usesModseq).toBe(false);
  });

  it('refuses bad values', () => {
    expect(refused('MODSEQ 9223372036854775808')).toMatch(/MODSEQ/);
    expect(refused('MODSEQ x')).toMatch(/MODSEQ/);
    expect(refused('MODSEQ "/foo" all 5')).toMatch(/MODSEQ/);
    expect(refused('MODSEQ "/flags/\\\\seen" mine 5')).toMatch(/MODSEQ/);
  });
});

describe('IMAP dates (RFC 3501 §9 date)', () => {
  it('validates the day against the month, leap years included', () => {
    expect(parseImapDate('29-Feb-2024')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseImapDate('29-Feb-2026')).toBeUndefined();
    expect(parseImapDate('31-Apr-2026')).toBeUndefined();
    expect(parseImapDate('1-Jan-26')).toBeUndefined();
    expect(parseImapDate('001-Jan-2026')).toBeUndefined();
  });
});
