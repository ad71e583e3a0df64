/**
 * BODY / BODYSTRUCTURE (RFC 3501 §7.4.2) of hand-written messages. Sizes and line counts were
 * counted by hand (the arithmetic is in the comments); the field order follows the RFC's §9
 * grammar and matches Dovecot 2.3.19's output except for the case of the type tokens (we send
 * them upper case, as the RFC's examples do).
 */
import { describe, expect, it } from 'vitest';
import { imapText } from '../../../test/fixtures/imap-structure/imap-text.js';
import { buildBodyStructure } from './bodystructure.js';
import { parseMimeTree } from './mime-tree.js';
import { decodePartBody, extractSection } from './sections.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

function structures(raw: Buffer): { body: string; bodystructure: string } {
  const tree = parseMimeTree(raw);
  return {
    body: imapText(buildBodyStructure(tree, { extended: false })),
    bodystructure: imapText(buildBodyStructure(tree, { extended: true })),
  };
}

describe('BODYSTRUCTURE', () => {
  it('reproduces the BODY of the RFC 3501 §7.4.2 example (3028 octets, 92 lines)', () => {
    // 91 lines of 31 octets + CRLF (91 × 33 = 3003) and one of 23 + CRLF (25): 3028 octets, 92 LFs
    const body = `${`${'x'.repeat(31)}\r\n`.repeat(91)}${'y'.repeat(23)}\r\n`;
    const raw = Buffer.from(`Subject: s\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n${body}`);
    expect(structures(raw).body).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)');
  });

  it('uses the RFC 2045 §5.2 defaults when there is no Content-Type or Content-Transfer-Encoding', () => {
    // body "ab\r\ncd": 6 octets, one LF
    const raw = Buffer.from('Subject: x\r\n\r\nab\r\ncd');
    expect(structures(raw)).toEqual({
      body: '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 6 1)',
      bodystructure: '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 6 1 NIL NIL NIL NIL)',
    });
  });

  it('adds CHARSET US-ASCII to a text part that names no charset (RFC 2046 §4.1.2), after its other parameters', () => {
    const raw = Buffer.from('Content-Type: text/html; format=flowed\r\n\r\n<p>');
    expect(structures(raw).body).toBe('("TEXT" "HTML" ("FORMAT" "flowed" "CHARSET" "US-ASCII") NIL NIL "7BIT" 3 0)');
  });

  it('describes a multipart/mixed with an attachment and all the extension data', () => {
    const raw = crlf([
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      'preamble',
      '--XX',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      '你好', // 6 octets of UTF-8; the CRLF after it belongs to the next delimiter
      '--XX',
      'Content-Type: application/pdf; name="a.pdf"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="a.pdf"',
      'Content-ID: <pdf1@x>',
      'Content-Description: The PDF',
      'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
      'Content-Language: zh-CN, en',
      'Content-Location: a.pdf',
      '',
      'JVBERi0=', // 8 octets
      '--XX--',
      'epilogue',
      '',
    ]);
    expect(structures(raw)).toEqual({
      body: '(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "8BIT" 6 0)("APPLICATION" "PDF" ("NAME" "a.pdf") "<pdf1@x>" "The PDF" "BASE64" 8) "MIXED")',
      bodystructure:
        '(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "8BIT" 6 0 NIL NIL NIL NIL)' +
        '("APPLICATION" "PDF" ("NAME" "a.pdf") "<pdf1@x>" "The PDF" "BASE64" 8 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("ATTACHMENT" ("FILENAME" "a.pdf")) ("zh-CN" "en") "a.pdf") ' +
        '"MIXED" ("BOUNDARY" "XX") NIL NIL NIL)',
    });
    const tree = parseMimeTree(raw);
    expect(decodePartBody(raw, tree.children[1]!).toString('latin1')).toBe('%PDF-');
    expect(extractSection(raw, tree, '1').toString()).toBe('你好');
  });

  it('describes a forwarded message/rfc822 with its envelope, its own structure and its line count', () => {
    const raw = crlf([
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary=b1',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'see below', // 9 octets
      '--b1',
      'Content-Type: message/rfc822',
      'Content-Disposition: inline',
      '',
      'From: A <a@x.cn>', // 16 + 2
      'Subject: inner', // 14 + 2
      'Message-ID: <m@x>', // 17 + 2
      'Content-Type: multipart/alternative; boundary=b2', // 48 + 2
      '', // 2: header 105 octets, 5 LFs
      '--b2', // 6
      'Content-Type: text/plain; charset=us-ascii', // 44
      '', // 2
      'plain', // 7 (part 2.1 is "plain": 5 octets)
      '--b2', // 6
      'Content-Type: text/html; charset=us-ascii', // 43
      '', // 2
      '<b>html</b>', // 13 (part 2.2: 11 octets)
      '--b2--', // 8: body 131 octets, 9 LFs
      '', // this CRLF belongs to the delimiter below
      '--b1--',
      '',
    ]);
    // message/rfc822 part: 105 + 131 = 236 octets, 5 + 9 = 14 lines
    const inner =
      '(NIL "inner" (("A" NIL "a" "x.cn")) (("A" NIL "a" "x.cn")) (("A" NIL "a" "x.cn")) NIL NIL NIL NIL "<m@x>")';
    expect(structures(raw)).toEqual({
      body:
        '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 9 0)' +
        `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 236 ${inner} ` +
        '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 0)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 11 0) "ALTERNATIVE") 14) "MIXED")',
      bodystructure:
        '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL)' +
        `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 236 ${inner} ` +
        '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 11 0 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "b2") NIL NIL NIL) ' +
        '14 NIL ("INLINE" NIL) NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)',
    });
    const tree = parseMimeTree(raw);
    expect(extractSection(raw, tree, '2.HEADER').length).toBe(105);
    expect(extractSection(raw, tree, '2.TEXT').length).toBe(131);
    expect(extractSection(raw, tree, '2.1').toString()).toBe('plain');
    expect(extractSection(raw, tree, '2.2').toString()).toBe('<b>html</b>');
  });

  it('reports RFC 2231 parameters as Dovecot does: continuations merged into name*, values as written', () => {
    const raw = crlf([
      'MIME-Version: 1.0',
      "Content-Type: application/octet-stream; name*0*=UTF-8''%E4%B8; name*1*=%AD.txt; name*2=\" (1%)\"",
      "Content-Disposition: attachment; filename*=GBK''%D6%D0.txt; filename=\"fallback.txt\"",
      '',
      'abc',
    ]);
    // the plain third segment is appended with its % escaped (%25), so the value stays RFC 2231
    expect(structures(raw).bodystructure).toBe(
      "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*\" \"UTF-8''%E4%B8%AD.txt (1%25)\") NIL NIL \"7BIT\" 3 NIL " +
        "(\"ATTACHMENT\" (\"FILENAME*\" \"GBK''%D6%D0.txt\" \"FILENAME\" \"fallback.txt\")) NIL NIL)",
    );
    const tree = parseMimeTree(raw);
    // decoded for the webmail: the octets of all segments joined before UTF-8 decoding; filename* wins
    expect(tree.params['name']).toBe('中.txt (1%)');
    expect(tree.disposition?.params['filename']).toBe('中.txt');
  });

  it('defaults the parts of a multipart/digest to message/rfc822 (RFC 2046 §5.1.5)', () => {
    const raw = crlf([
      'Content-Type: multipart/digest; boundary=d',
      '',
      '--d',
      '',
      'Subject: one', // 12 + 2
      '', // 2
      'body', // 4: message/rfc822 part of 20 octets, 2 LFs; its body part is 4 octets
      '--d--',
    ]);
    expect(structures(raw).body).toBe(
      '(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 20 (NIL "one" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 4 0) 2) "DIGEST")',
    );
  });

  it('reports a multipart that never shows its boundary as the text it is', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=nowhere', '', 'just text', '']);
    // "just text\r\n": 11 octets, 1 LF
    expect(structures(raw).body).toBe('("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 11 1)');
    expect(parseMimeTree(raw).defects).toEqual(['multipart-without-parts']);
  });

  it('reports an encoded message/rfc822 (RFC 2046 §5.2.1 forbids it) as application/octet-stream', () => {
    const raw = crlf(['Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogaGkNCg0KYm9keQ0K']);
    expect(structures(raw).body).toBe('("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" 28)');
    const tree = parseMimeTree(raw);
    expect(decodePartBody(raw, tree).toString()).toBe('Subject: hi\r\n\r\nbody\r\n');
  });

  it('keeps 8-bit parameter values as octets (sent as literals)', () => {
    const raw = Buffer.concat([Buffer.from('Content-Type: application/pdf; name="'), Buffer.from([0xce, 0xc4, 0xbc, 0xfe]), Buffer.from('.pdf"\r\n\r\nx')]);
    expect(structures(raw).body).toBe(`("APPLICATION" "PDF" ("NAME" {8}\r\n${Buffer.from([0xce, 0xc4, 0xbc, 0xfe, 0x2e, 0x70, 0x64, 0x66]).toString('latin1')}) NIL NIL "7BIT" 1)`);
    // decoded for the webmail: not UTF-8, so read as GB18030 (文件)
    expect(parseMimeTree(raw).params['name']).toBe('文件.pdf');
  });
});
