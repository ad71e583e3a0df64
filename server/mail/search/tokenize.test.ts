import { describe, expect, it } from 'vitest';
import { hasCjk, MAX_QUERY_TOKENS, MAX_TOKEN_CHARS, normalizeForSearch, tokenizeDocument, tokenizeQuery, type QueryToken } from './tokenize.js';

const texts = (tokens: readonly QueryToken[]) => tokens.map((t) => t.text);

/** What the index does with a query: every query token must be among the document's tokens. */
function matches(document: string, query: string): boolean {
  const indexed = tokenizeDocument(document);
  const wanted = tokenizeQuery(query);
  return wanted.length > 0 && wanted.every((q) => indexed.some((d) => (q.prefix ? d.startsWith(q.text) : d === q.text)));
}

describe('tokenizeDocument', () => {
  it('indexes every CJK character and every overlapping bigram of a run', () => {
    expect(tokenizeDocument('海宁市')).toEqual(['海', '海宁', '宁', '宁市', '市']);
  });

  it('keeps a one-character run as that character', () => {
    expect(tokenizeDocument('税')).toEqual(['税']);
  });

  it('never forms a bigram across punctuation, spaces or Latin text', () => {
    const tokens = tokenizeDocument('会议，通知 海宁abc市');
    expect(tokens).toContain('会议');
    expect(tokens).toContain('通知');
    expect(tokens).not.toContain('议通');
    expect(tokens).not.toContain('宁市');
    expect(tokens).toContain('abc');
  });

  it('lower-cases Latin words and splits them on punctuation', () => {
    expect(tokenizeDocument('Hello, World! e-Mail_Test 2026')).toEqual(['hello', 'world', 'e', 'mail', 'test', '2026']);
  });

  it('separates digits from the CJK that follows them', () => {
    expect(tokenizeDocument('2026年度部门预算')).toEqual(['2026', '年', '年度', '度', '度部', '部', '部门', '门', '门预', '预', '预算', '算']);
  });

  it('normalises full-width characters (NFKC) before anything else', () => {
    expect(tokenizeDocument('ＡＢＣ１２３　会议（通知）')).toEqual(['abc123', '会', '会议', '议', '通', '通知', '知']);
    // A CJK compatibility ideograph (U+F900 block) becomes its unified form.
    expect(tokenizeDocument('\uF9FC')).toEqual(tokenizeDocument('\u8B58'));
  });

  it('drops punctuation, Chinese and Western alike', () => {
    expect(tokenizeDocument('“”‘’《》〔〕【】、。；：！？…—·!@#$%^&*()[]{}<>/\\|~`"\'')).toEqual([]);
  });

  it('indexes an address as local part, domain, domain labels and the local part’s words', () => {
    expect(tokenizeDocument('致 Zhang.Wei@Haining.gov.CN')).toEqual(['致', 'zhang.wei', 'zhang', 'wei', 'haining.gov.cn', 'haining', 'gov', 'cn']);
    expect(tokenizeDocument('a@haining-gov.cn')).toEqual(['a', 'haining-gov.cn', 'haining-gov', 'haining', 'gov', 'cn']);
  });

  it('keeps characters outside the Basic Multilingual Plane whole', () => {
    expect(tokenizeDocument('𠮷祥云')).toEqual(['𠮷', '𠮷祥', '祥', '祥云', '云']);
  });

  it('returns each token once', () => {
    expect(tokenizeDocument('会议 会议 Meeting meeting')).toEqual(['会', '会议', '议', 'meeting']);
  });

  it('cuts long words to MAX_TOKEN_CHARS code points', () => {
    const [token] = tokenizeDocument('x'.repeat(500));
    expect(token).toBe('x'.repeat(MAX_TOKEN_CHARS));
    const [astral] = tokenizeDocument('a'.repeat(MAX_TOKEN_CHARS - 1) + '𝐀𝐀');
    expect(Array.from(astral!)).toHaveLength(MAX_TOKEN_CHARS);
  });

  it('produces only tokens the storage dialects keep whole (the token alphabet)', () => {
    const sample = 'Re: 【会议】 zhang+tag@mail.haining.gov.cn, <b>http://example.invalid/a?b=c&d</b> ½ Ⅻ ① tab\there 𠮷 ﬁ café ねこ 한국어 "quote" 50% $9.99';
    for (const token of [...tokenizeDocument(sample), ...texts(tokenizeQuery(sample))]) {
      expect(token).not.toMatch(/\s/);
      expect(token.replace(/[^\p{ASCII}]/gu, '')).toMatch(/^[a-z0-9._+-]*$/);
      expect(token.length).toBeGreaterThan(0);
    }
  });

  it('copes with a megabyte of hostile input (the address scan is linear)', () => {
    // Linear work only: a megabyte of almost-addresses and one enormous word.
    expect(tokenizeDocument('a.'.repeat(300_000) + 'b'.repeat(300_000)).length).toBeGreaterThan(0);
  });
});

describe('tokenizeQuery', () => {
  it('asks for every bigram of a multi-character run, and no unigrams', () => {
    expect(tokenizeQuery('海宁市会议')).toEqual([
      { text: '海宁', prefix: false },
      { text: '宁市', prefix: false },
      { text: '市会', prefix: false },
      { text: '会议', prefix: false },
    ]);
  });

  it('asks for the character itself for a one-character query', () => {
    expect(tokenizeQuery('税')).toEqual([{ text: '税', prefix: false }]);
    expect(tokenizeQuery('于3日内确认')).toEqual([
      { text: '于', prefix: false },
      { text: '3', prefix: true },
      { text: '日内', prefix: false },
      { text: '内确', prefix: false },
      { text: '确认', prefix: false },
    ]);
  });

  it('treats Latin and digit words as prefixes', () => {
    expect(tokenizeQuery('Meet 2026')).toEqual([
      { text: 'meet', prefix: true },
      { text: '2026', prefix: true },
    ]);
  });

  it('asks for exactly the local part and domain of an address', () => {
    expect(tokenizeQuery('ZhangWei@Haining.gov.cn')).toEqual([
      { text: 'zhangwei', prefix: false },
      { text: 'haining.gov.cn', prefix: false },
    ]);
  });

  it('is empty when nothing is searchable', () => {
    expect(tokenizeQuery('')).toEqual([]);
    expect(tokenizeQuery('，。！——“”')).toEqual([]);
  });

  it('merges repeated tokens, exact winning over prefix', () => {
    expect(tokenizeQuery('gov gov@x.cn')).toEqual([
      { text: 'gov', prefix: false },
      { text: 'x.cn', prefix: false },
    ]);
  });

  it('keeps at most MAX_QUERY_TOKENS tokens', () => {
    const words = Array.from({ length: MAX_QUERY_TOKENS + 10 }, (_, i) => `w${i}`).join(' ');
    expect(tokenizeQuery(words)).toHaveLength(MAX_QUERY_TOKENS);
  });
});

describe('documents and queries together', () => {
  const notice = '关于召开海宁市防汛防台工作会议的通知：请于3日内确认。联系人：张伟 zhangwei@haining.gov.cn；附件：会议议程.PDF';

  it.each([
    ['会议'],
    ['海宁'],
    ['海宁市'],
    ['防汛防台'],
    ['税务', false],
    ['防台会议', false],
    ['于'],
    ['知'],
    ['确认'],
    ['张伟'],
    ['ZHANGWEI'],
    ['zhang'],
    ['haining.gov.cn'],
    ['zhangwei@haining.gov.cn'],
    ['lina@haining.gov.cn', false],
    ['pdf'],
    ['.pdf'],
    ['ｐｄｆ'],
    ['会议议程'],
    ['通知 会议'],
  ] as [string, boolean?][])('%s', (query, expected = true) => {
    expect(matches(notice, query)).toBe(expected);
  });

  it('finds a multi-character word wherever it is a substring of a CJK run', () => {
    // Bigram AND is a superset of substring: every substring hit is found.
    const text = '市政府办公室关于做好全市安全生产大检查工作的通知';
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      for (let j = i + 1; j <= chars.length; j++) expect(matches(text, chars.slice(i, j).join(''))).toBe(true);
    }
  });
});

describe('helpers', () => {
  it('hasCjk sees Chinese, Japanese and Korean, and full-width Latin is not CJK', () => {
    expect(hasCjk('海宁')).toBe(true);
    expect(hasCjk('ねこ')).toBe(true);
    expect(hasCjk('한국')).toBe(true);
    expect(hasCjk('ＡＢＣ report')).toBe(false);
  });

  it('normalizeForSearch applies NFKC and lower case', () => {
    expect(normalizeForSearch('ＡＢＣ Ⅻ')).toBe('abc xii');
  });
});
