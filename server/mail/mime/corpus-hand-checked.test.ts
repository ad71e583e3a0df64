/**
 * Seven corpus messages whose BODYSTRUCTURE was checked by hand against RFC 3501 §7.4.2 and
 * RFC 2046 §5.1.1, field by field. Sizes and line counts were counted independently of this code
 * (a throw-away script that located each delimiter with a plain byte search, took the body from
 * the blank line after the part's header to the CRLF before the next delimiter, and counted LFs),
 * and the output was compared with Dovecot 2.3.19's for the same file (equal but for the case of
 * the type tokens, and for the bare-LF message, where Dovecot counts each LF as CRLF).
 */
import { describe, expect, it } from 'vitest';
import { loadManifest, readMessage } from '../../../test/fixtures/imap-structure/corpus-fixtures.js';
import { imapText } from '../../../test/fixtures/imap-structure/imap-text.js';
import { buildBodyStructure } from './bodystructure.js';
import { parseMimeTree, partFilename, walkParts } from './mime-tree.js';
import { decodePartBody, extractSection } from './sections.js';

const manifest = loadManifest();

function load(prefix: string) {
  const entry = manifest.find((e) => e.file.startsWith(`messages/${prefix}-`));
  if (!entry) throw new Error(`no corpus message ${prefix}`);
  const raw = readMessage(entry);
  const tree = parseMimeTree(raw);
  return { raw, tree, bodystructure: imapText(buildBodyStructure(tree, { extended: true })) };
}

describe('corpus messages checked by hand', () => {
  it('036: multipart/mixed with an RFC 2231 GBK file name and RFC 2047 names in quotes', () => {
    const { raw, tree, bodystructure } = load('036');
    // delimiters at octets 532, 940, 1308 and 4070 (closing); bodies 292 (4 LFs), 100 (2), 2460
    // octets. Parameters as written: the GBK filename* stays percent-encoded, the GB18030 and
    // GB2312 encoded words stay encoded (clients decode them), "gb2312" keeps its case.
    expect(bodystructure).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "gb2312") NIL NIL "BASE64" 292 4 NIL NIL NIL NIL)' +
        '("TEXT" "PLAIN" ("CHARSET" "GBK" "NAME" "=?GB18030?B?zsTO77Gju6S74dLpvM3Sqi50eHQ=?=") NIL NIL "BASE64" 100 2 NIL ' +
        '("ATTACHMENT" ("FILENAME*" "GBK\'\'%CE%C4%CE%EF%B1%A3%BB%A4%BB%E1%D2%E9%BC%CD%D2%AA.txt")) NIL NIL)' +
        '("APPLICATION" "VND.OPENXMLFORMATS-OFFICEDOCUMENT.SPREADSHEETML.SHEET" ("NAME" "=?GB2312?B?zsTO77Gju6TH6b/2zbO8xrHtLnhsc3g=?=") NIL NIL "BASE64" 2460 NIL ' +
        '("ATTACHMENT" ("FILENAME" "=?GB2312?B?zsTO77Gju6TH6b/2zbO8xrHtLnhsc3g=?=")) NIL NIL) ' +
        '"MIXED" ("BOUNDARY" "----=_NextPart_CFC094FDD5F6_5") NIL NIL NIL)',
    );
    // decoded for the webmail: GBK octets of the RFC 2231 value, GB2312 encoded word
    expect(tree.children.map((p) => partFilename(p))).toEqual([null, '文物保护会议纪要.txt', '文物保护情况统计表.xlsx']);
    expect(tree.children.map((p) => decodePartBody(raw, p).length)).toEqual([213, 72, 1795]);
  });

  it('058: a forwarded message/rfc822 attachment', () => {
    const { raw, tree, bodystructure } = load('058');
    // part 1: 218 octets, 3 LFs; part 2: the embedded message, 2888 octets and 56 LFs, whose own
    // body is a quoted-printable text of 2227 octets and 42 LFs; its envelope is the embedded header's
    const name = "UTF-8''%E5%85%B3%E4%BA%8E%E5%8F%AC%E5%BC%80%E5%85%A8%E5%B8%82%E8%AF%BE%E5%90%8E%E6%9C%8D%E5%8A%A1%E5%B7%A5%E4%BD%9C%E4%BC%9A%E8%AE%AE%E7%9A%84%E9%80%9A%E7%9F%A5.eml";
    const from = '(("=?UTF-8?B?5L2V6Z2Z5oCh?=" NIL "hejingyi" "haining.gov.cn"))';
    expect(bodystructure).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "BASE64" 218 3 NIL NIL NIL NIL)' +
        `("MESSAGE" "RFC822" ("NAME*" "${name}") NIL NIL "7BIT" 2888 ` +
        '("Thu, 24 Apr 2025 12:34:01 +0800" "=?UTF-8?B?5YWz5LqO5Y+s5byA5YWo5biC6K++5ZCO5pyN5Yqh5bel5L2c5Lya?= =?UTF-8?B?6K6u55qE6YCa55+l?=" ' +
        `${from} ${from} ${from} ` +
        '(("=?UTF-8?B?5biC5pS/5bqc5Yqe5YWs5a6k?=" NIL "bgs" "haining.gov.cn")("=?UTF-8?B?5rW35rSy6KGX6YGT?=" NIL "hzjd" "haining.gov.cn")) NIL NIL NIL ' +
        '"<20250424123401.40e64f4a@haining.gov.cn>") ' +
        '("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 2227 42 NIL NIL NIL NIL) 56 NIL ' +
        `("ATTACHMENT" ("FILENAME*" "${name}")) NIL NIL) ` +
        '"MIXED" ("BOUNDARY" "------------969ED8DC0D1E27") NIL NIL NIL)',
    );
    expect(extractSection(raw, tree, '2.TEXT').length).toBe(2227);
    expect(extractSection(raw, tree, '2.1').length).toBe(2227);
    expect(extractSection(raw, tree, '2.HEADER').length).toBe(2888 - 2227);
  });

  it('060: multipart/related (Outlook) with an inline cid image', () => {
    const { raw, tree, bodystructure } = load('060');
    // outer delimiters at 642, 5399, 5762; inner at 736, 2744, 5373: bodies 1894 (33 LFs),
    // 2516 (40 LFs) and the image's 112 octets of base64 (79 decoded)
    expect(bodystructure).toBe(
      '((("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 1894 33 NIL NIL NIL NIL)' +
        '("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 2516 40 NIL NIL NIL NIL) ' +
        '"ALTERNATIVE" ("BOUNDARY" "_029_5ebe4f0deffc_") NIL NIL NIL)' +
        '("IMAGE" "PNG" ("NAME" "image001.png") "<image001.png@01DB3A36.54EBC007>" "image001.png" "BASE64" 112 NIL ' +
        '("INLINE" ("FILENAME" "image001.png" "SIZE" "79")) NIL NIL) ' +
        '"RELATED" ("TYPE" "multipart/alternative" "BOUNDARY" "_030_d91c623f64f8_") NIL NIL NIL)',
    );
    expect(decodePartBody(raw, tree.children[1]!).length).toBe(79);
    expect(extractSection(raw, tree, '1').length).toBe(4661); // the alternative, up to the CRLF before --_030_
  });

  it('080: 30 levels of nested multipart/mixed around one text part', () => {
    const { raw, tree, bodystructure } = load('080');
    const boundaries = [...raw.toString('latin1').matchAll(/boundary="(=_depth_\d\d_[A-Za-z0-9]+)"/g)].map((m) => m[1]!);
    expect(boundaries).toHaveLength(30);
    // the innermost part: 815 octets of quoted-printable, 16 LFs; each level wraps it
    let expected = '("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 815 16 NIL NIL NIL NIL)';
    for (let level = 29; level >= 0; level--) expected = `(${expected} "MIXED" ("BOUNDARY" "${boundaries[level]}") NIL NIL NIL)`;
    expect(bodystructure).toBe(expected);
    // level k's body: 4704 - 129·k octets (each level adds a 129-octet wrapping)
    const multiparts = [...walkParts(tree)].filter((p) => p.kind === 'multipart');
    expect(multiparts.map((p) => p.bodyEnd - p.bodyStart)).toEqual(boundaries.map((_, k) => 4704 - 129 * k));
    expect(extractSection(raw, tree, Array(30).fill('1').join('.')).length).toBe(815);
  });

  it('076: closing delimiter missing — the last part runs to the end of the file', () => {
    const { raw, tree, bodystructure } = load('076');
    // delimiters at 529 and 1440 only; part 2's body is the 844 octets to EOF (its final CRLFs
    // included), 614 octets decoded
    expect(bodystructure).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 797 16 NIL NIL NIL NIL)' +
        '("APPLICATION" "PDF" ("NAME*" "UTF-8\'\'%E5%85%B3%E4%BA%8E%E6%96%87%E4%BF%9D%E5%8D%95%E4%BD%8D%E5%AE%89%E5%85%A8%E5%B7%A1%E6%9F%A5%E7%9A%84%E9%80%9A%E7%9F%A5.pdf") NIL NIL "BASE64" 844 NIL ' +
        '("ATTACHMENT" ("FILENAME*" "UTF-8\'\'%E5%85%B3%E4%BA%8E%E6%96%87%E4%BF%9D%E5%8D%95%E4%BD%8D%E5%AE%89%E5%85%A8%E5%B7%A1%E6%9F%A5%E7%9A%84%E9%80%9A%E7%9F%A5.pdf")) NIL NIL) ' +
        '"MIXED" ("BOUNDARY" "_044_371d748b221b_") NIL NIL NIL)',
    );
    expect(tree.children[1]!.bodyEnd).toBe(raw.length);
    expect(decodePartBody(raw, tree.children[1]!).length).toBe(614);
  });

  it('079: header only, no blank line, no body', () => {
    const { raw, tree, bodystructure } = load('079');
    expect(bodystructure).toBe('("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)');
    expect([tree.headerEnd, tree.bodyStart, tree.bodyEnd]).toEqual([raw.length, raw.length, raw.length]);
    // RFC 3501 §6.4.5: no blank line is added to a header fetch of a message that has none
    expect(extractSection(raw, tree, 'HEADER.FIELDS (SUBJECT)').toString().endsWith('\r\n\r\n')).toBe(false);
  });

  it('070: bare LF line endings — sizes are octets as stored', () => {
    const { raw, tree, bodystructure } = load('070');
    // delimiters at 588, 2937, 4596 (each after a bare LF); the LF before a delimiter is its own
    expect(bodystructure).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 2232 43 NIL NIL NIL NIL)' +
        '("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "BASE64" 1553 21 NIL NIL NIL NIL) ' +
        '"ALTERNATIVE" ("BOUNDARY" "------------7528FDD4B12143") NIL NIL NIL)',
    );
    expect(raw.includes('\r')).toBe(false);
    expect(tree.children.map((p) => [p.bodyStart, p.bodyEnd])).toEqual([
      [2936 - 2232, 2937 - 1],
      [4595 - 1553, 4596 - 1],
    ]);
  });
});
