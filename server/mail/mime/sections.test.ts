/**
 * BODY[section]<partial> (RFC 3501 §6.4.5) and decoded part bodies (RFC 3516 BINARY). The expected
 * octets are the literal pieces the message is built from. This message's sections, and every
 * section of every corpus message, were also compared byte for byte with Dovecot 2.3.19; they are
 * equal except where a test here says we differ on purpose.
 */
import { describe, expect, it } from 'vitest';
import { parseMimeTree } from './mime-tree.js';
import { applyPartial, decodePartBody, extractSection, findPart, parseSection, partialRange, resolveSection, sectionBytes } from './sections.js';

const CRLF = '\r\n';
const topHeader = ['From: a@x.cn', 'Subject: test', ' folded', 'Received: by x', 'Content-Type: multipart/mixed; boundary=b1', '', ''].join(CRLF);
const part1Mime = `Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}`;
const part1Body = `hello${CRLF}world`;
const innerHeader = ['From: b@y.cn', 'Subject: inner', 'Content-Type: multipart/alternative; boundary=b2', '', ''].join(CRLF);
const innerPlainMime = `Content-Type: text/plain${CRLF}${CRLF}`;
const innerHtmlMime = `Content-Type: text/html${CRLF}${CRLF}`;
const innerBody = `--b2${CRLF}${innerPlainMime}plain${CRLF}--b2${CRLF}${innerHtmlMime}<p>html</p>${CRLF}--b2--`;
const part2Mime = `Content-Type: message/rfc822${CRLF}${CRLF}`;
const part3Mime = `Content-Type: application/octet-stream${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`;
const part3Body = `aGVs!bG8g*d29y#bGQ=${CRLF}`; // "hello world" with junk RFC 2045 §6.8 says to ignore
const text = `--b1${CRLF}${part1Mime}${part1Body}${CRLF}--b1${CRLF}${part2Mime}${innerHeader}${innerBody}${CRLF}--b1${CRLF}${part3Mime}${part3Body}${CRLF}--b1--${CRLF}`;
const raw = Buffer.from(topHeader + text);
const tree = parseMimeTree(raw);
const get = (section: string) => extractSection(raw, tree, section).toString();

describe('extractSection', () => {
  it('answers the whole message, its header and its text', () => {
    expect(get('')).toBe(topHeader + text);
    expect(get('HEADER')).toBe(topHeader);
    expect(get('TEXT')).toBe(text);
  });

  it('answers parts by number, with their MIME headers', () => {
    expect(get('1')).toBe(part1Body);
    expect(get('1.MIME')).toBe(part1Mime);
    expect(get('2')).toBe(innerHeader + innerBody);
    expect(get('2.MIME')).toBe(part2Mime);
    expect(get('3')).toBe(part3Body);
    expect(get('3.MIME')).toBe(part3Mime);
  });

  it('numbers the parts of an encapsulated message inside its message/rfc822 part', () => {
    expect(get('2.HEADER')).toBe(innerHeader);
    expect(get('2.TEXT')).toBe(innerBody);
    expect(get('2.1')).toBe('plain');
    expect(get('2.1.MIME')).toBe(innerPlainMime);
    expect(get('2.2')).toBe('<p>html</p>');
    expect(get('2.HEADER.FIELDS (SUBJECT)')).toBe(`Subject: inner${CRLF}${CRLF}`);
  });

  it('selects header fields (folded lines whole, message order, blank line kept)', () => {
    expect(get('HEADER.FIELDS (subject FROM)')).toBe(`From: a@x.cn${CRLF}Subject: test${CRLF} folded${CRLF}${CRLF}`);
    expect(get('HEADER.FIELDS.NOT (Received Content-Type)')).toBe(`From: a@x.cn${CRLF}Subject: test${CRLF} folded${CRLF}${CRLF}`);
    expect(get('HEADER.FIELDS (X-Absent)')).toBe(CRLF);
    // two ranges of the raw message (From+Subject are adjacent and merged, then the blank line)
    expect(resolveSection(raw, tree, parseSection('HEADER.FIELDS (FROM SUBJECT)')!).segments).toHaveLength(2);
  });

  it('answers an empty section for parts that do not exist (as Dovecot does)', () => {
    for (const section of ['4', '1.2.1', '2.3', '2.1.1.1', '9.9.9', '1.HEADER', '3.TEXT', '2.1.HEADER']) expect(get(section), section).toBe('');
  });

  it('follows Dovecot on `N.1` of a leaf part: the part itself, but no deeper', () => {
    expect(get('3.1')).toBe(part3Body);
    expect(get('3.1.1')).toBe('');
    expect(get('2.1.1')).toBe('plain');
    expect(findPart(tree, [3, 1])).toBe(tree.children[2]);
  });

  it('answers part 1 of a single-part message with its body, and nothing below it', () => {
    const single = Buffer.from(`Subject: s${CRLF}${CRLF}body`);
    const t = parseMimeTree(single);
    expect(extractSection(single, t, '1').toString()).toBe('body');
    expect(extractSection(single, t, '1.MIME').toString()).toBe(`Subject: s${CRLF}${CRLF}`);
    expect(extractSection(single, t, '1.1').toString()).toBe('');
    expect(extractSection(single, t, '2').toString()).toBe('');
  });

  it('leaves out the blank line of a message that has none (RFC 3501 §6.4.5; Dovecot adds one)', () => {
    const headersOnly = Buffer.from(`Subject: s${CRLF}To: t@x${CRLF}`);
    const t = parseMimeTree(headersOnly);
    expect(extractSection(headersOnly, t, 'HEADER.FIELDS (SUBJECT)').toString()).toBe(`Subject: s${CRLF}`);
    expect(extractSection(headersOnly, t, 'HEADER').toString()).toBe(headersOnly.toString());
    expect(extractSection(headersOnly, t, 'TEXT').toString()).toBe('');
  });

  it('returns a view of the raw message, not a copy, for a single range', () => {
    const octets = extractSection(raw, tree, '3');
    expect(octets.buffer).toBe(raw.buffer);
  });

  it('throws on a section that breaks the grammar', () => {
    expect(() => extractSection(raw, tree, '1.FOO')).toThrow(RangeError);
  });
});

describe('partial fetches (RFC 3501 §6.4.5 <origin.octets>)', () => {
  it('clamps to the section', () => {
    expect(partialRange(10, 2, 3)).toEqual({ start: 2, end: 5 });
    expect(partialRange(10, 8, 5)).toEqual({ start: 8, end: 10 });
    expect(partialRange(10, 12, 5)).toEqual({ start: 10, end: 10 });
    expect(partialRange(10, 4)).toEqual({ start: 4, end: 10 });
  });

  it('slices across the segments of a section', () => {
    const content = resolveSection(raw, tree, parseSection('HEADER.FIELDS (FROM SUBJECT)')!);
    const whole = sectionBytes(raw, content).toString();
    for (const [start, length] of [
      [0, 5],
      [10, 30],
      [whole.length - 3, 10],
      [whole.length + 1, 3],
    ] as const) {
      const part = applyPartial(content, start, length);
      expect(sectionBytes(raw, part).toString()).toBe(whole.slice(start, start + length));
      expect(part.size).toBe(Math.max(0, Math.min(whole.length, start + length) - Math.min(start, whole.length)));
    }
    expect(extractSection(raw, tree, '1', { start: 2, length: 3 }).toString()).toBe('llo');
  });
});

describe('parseSection', () => {
  it('reads the RFC 3501 §9 section-spec forms', () => {
    expect(parseSection('')).toEqual({ part: [], text: null, fields: [] });
    expect(parseSection('1.2.3')).toEqual({ part: [1, 2, 3], text: null, fields: [] });
    expect(parseSection('header')).toEqual({ part: [], text: 'HEADER', fields: [] });
    expect(parseSection('4.TEXT')).toEqual({ part: [4], text: 'TEXT', fields: [] });
    expect(parseSection('1.MIME')).toEqual({ part: [1], text: 'MIME', fields: [] });
    expect(parseSection('2.HEADER.FIELDS (From "Message-ID")')).toEqual({ part: [2], text: 'HEADER.FIELDS', fields: ['from', 'message-id'] });
    expect(parseSection('HEADER.FIELDS.NOT (Received)')).toEqual({ part: [], text: 'HEADER.FIELDS.NOT', fields: ['received'] });
  });

  it('rejects what the grammar does not allow', () => {
    for (const bad of ['0', '1.0', 'MIME', 'HEADER.FIELDS', 'HEADER.FIELDS ()', 'TEXT (A)', '1..2', 'TEXT.1', '1.TEXT.MIME', '1.BODY', '-1', '1 2']) {
      expect(parseSection(bad), bad).toBeNull();
    }
  });
});

describe('decodePartBody', () => {
  it('ignores octets outside the base64 alphabet (RFC 2045 §6.8)', () => {
    expect(decodePartBody(raw, tree.children[2]!).toString()).toBe('hello world');
  });

  it('returns identity-encoded bodies as a view of the raw message', () => {
    const body = decodePartBody(raw, tree.children[0]!);
    expect(body.toString()).toBe(part1Body);
    expect(body.buffer).toBe(raw.buffer);
  });

  it('decodes quoted-printable, keeping a bad escape literally', () => {
    const qp = Buffer.from(`Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}Ref: =ZZ 100% =${CRLF}=e5=ad=99=E6=B5=A9${CRLF}x=3D1`);
    expect(decodePartBody(qp, parseMimeTree(qp)).toString()).toBe(`Ref: =ZZ 100% 孙浩${CRLF}x=1`);
  });
});
