/**
 * Content-Type / Content-Disposition parameters (RFC 2045 §5.1, RFC 2231, RFC 2047 in quotes) and
 * encoded words (RFC 2047).
 */
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords } from './charset.js';
import { decodeParams, parseStructuredValue, wireParams } from './mime-params.js';

const parse = (value: string | Buffer) => parseStructuredValue(Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'));
const wire = (value: string) => wireParams(parse(value).params).map((p) => [p.name, p.value.toString('latin1')]);
const decoded = (value: string | Buffer) => ({ ...decodeParams(parse(value).params) });

describe('parseStructuredValue', () => {
  it('reads the token and parameters, quoted or not, with comments and odd spacing', () => {
    const v = parse('Text / HTML (comment) ; charset = "utf-8" ;; name="a \\"b\\".htm"; junk ; x=1');
    expect(v.token).toBe('text/html');
    expect(v.params.map((p) => [p.name, p.value.toString()])).toEqual([
      ['charset', 'utf-8'],
      ['name', 'a "b".htm'],
      ['x', '1'],
    ]);
  });

  it('keeps an unquoted value with spaces up to the next semicolon, and an unterminated quote to the end', () => {
    expect(parse('attachment; filename=my file.pdf; size=3').params.map((p) => p.value.toString())).toEqual(['my file.pdf', '3']);
    expect(parse('attachment; filename="open.pdf').params.map((p) => p.value.toString())).toEqual(['open.pdf']);
  });
});

describe('RFC 2231 parameters', () => {
  it('merges continuations on the wire as Dovecot 2.3 does (its own test vectors)', () => {
    // src/lib-mail/test-rfc2231-parser.c: key=foobazba%, key2*=''ab%25, key3*=us-ascii'en'xyzplop%25
    expect(wire('x/y; key*2=ba%; key2*0=a; key3*0*=us-ascii\'en\'xyz; key*0="foo"; key2*1*=b%25; key3*1=plop%; key*1=baz')).toEqual([
      ['key', 'foobazba%'],
      ['key2*', "''ab%25"],
      ['key3*', "us-ascii'en'xyzplop%25"],
    ]);
  });

  it('joins the octets of all segments before decoding the charset (a character split across segments)', () => {
    // 食品安全 in UTF-8, split inside 安 (E5 AE 89) and 全 (E5 85 A8)
    expect(decoded("x/y; filename*0*=UTF-8''%E9%A3%9F%E5%93%81%E5%AE; filename*1*=%89%E5%85; filename*2*=%A8; filename*3=.docx").filename).toBe('食品安全.docx');
  });

  it('decodes legacy charsets and prefers the extended form over the plain one', () => {
    expect(decoded("attachment; filename=\"notice.pdf\"; filename*=GBK''%CE%C4%CE%EF.txt")).toEqual({ filename: '文物.txt' });
    expect(decoded("attachment; filename*=gb2312''%E9%46.txt").filename).toBe('镕.txt'); // GBK-only character under a gb2312 label
    expect(decoded("attachment; name*=''%41%42")).toEqual({ name: 'AB' });
  });

  it('decodes RFC 2047 encoded words inside quoted values (RFC 2047 §5 forbids it; mailers do it)', () => {
    expect(decoded('x/y; name="=?GB18030?B?zsTO77Gju6S74dLpvM3Sqi50eHQ=?="').name).toBe('文物保护会议纪要.txt');
    expect(decoded('x/y; name="=?UTF-8?Q?a_b=E4=B8=AD?= .txt"').name).toBe('a b中 .txt');
  });

  it('reads raw 8-bit values as UTF-8, else GB18030', () => {
    expect(decoded(Buffer.from('x/y; name="文件.pdf"', 'utf8')).name).toBe('文件.pdf');
    expect(decoded(Buffer.concat([Buffer.from('x/y; name="'), Buffer.from([0xce, 0xc4, 0xbc, 0xfe]), Buffer.from('"')])).name).toBe('文件');
  });
});

describe('decodeEncodedWords (RFC 2047)', () => {
  it('drops whitespace between adjacent encoded words, keeps it elsewhere', () => {
    expect(decodeEncodedWords('=?UTF-8?B?5oql?= \t =?UTF-8?B?6YCB?= plain =?UTF-8?Q?x?=')).toBe('报送 plain x');
  });

  it('joins the octets of adjacent words in one charset (a character split across words)', () => {
    // 报 is E6 8A A5: split as E6 | 8A A5
    expect(decodeEncodedWords('=?UTF-8?Q?=E6?= =?UTF-8?Q?=8A=A5?=')).toBe('报');
  });

  it('accepts lower-case b/q, a language suffix, and leaves an unknown charset as written', () => {
    expect(decodeEncodedWords('=?gb2312?b?sajLzQ==?= =?UTF-8*zh?Q?=E6=96=87?=')).toBe('报送文');
    expect(decodeEncodedWords('=?x-unknown?Q?abc?=')).toBe('=?x-unknown?Q?abc?=');
    expect(decodeEncodedWords('=?x-unknown?Q?a?= =?x-unknown?Q?b?=')).toBe('=?x-unknown?Q?a?= =?x-unknown?Q?b?=');
  });
});
