/**
 * The MIME tree's byte offsets (RFC 5322 §2.1, RFC 2046 §5.1.1) on hand-written messages, the
 * malformed mail it must survive, and its caps. Expected offsets come from the literal pieces the
 * messages are built from, not from the parser.
 */
import { describe, expect, it } from 'vitest';
import { bodySection, parseMimeTree, walkParts, type MimePart } from './mime-tree.js';

const CRLF = '\r\n';

function bodyText(raw: Buffer, part: MimePart): string {
  return raw.toString('utf8', part.bodyStart, part.bodyEnd);
}

function headerText(raw: Buffer, part: MimePart): string {
  return raw.toString('utf8', part.headerStart, part.headerEnd);
}

/** Offsets nest and stay inside the message, whatever the input. */
function checkShape(raw: Buffer, tree: MimePart): void {
  for (const part of walkParts(tree)) {
    expect(part.headerStart).toBeLessThanOrEqual(part.headerEnd);
    expect(part.headerEnd).toBe(part.bodyStart);
    expect(part.bodyStart).toBeLessThanOrEqual(part.bodyEnd);
    expect(part.bodyEnd).toBeLessThanOrEqual(raw.length);
    let previousEnd = part.bodyStart;
    for (const child of part.children) {
      expect(child.headerStart).toBeGreaterThanOrEqual(previousEnd);
      expect(child.bodyEnd).toBeLessThanOrEqual(part.bodyEnd);
      previousEnd = child.bodyEnd;
    }
    if (part.kind === 'multipart') expect(part.children.length).toBeGreaterThan(0);
    if (part.kind === 'message') expect(part.children).toHaveLength(1);
  }
}

describe('parseMimeTree: header and body', () => {
  it('splits a single-part message at the blank line, which belongs to the header', () => {
    const header = `Subject: hi${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}`;
    const body = `hello${CRLF}world${CRLF}`;
    const raw = Buffer.from(header + body);
    const tree = parseMimeTree(raw);
    expect(tree).toMatchObject({ section: '', role: 'message', kind: 'leaf', type: 'text', subtype: 'plain', headerStart: 0, headerEnd: header.length, bodyStart: header.length, bodyEnd: raw.length, lines: 2 });
    expect(tree.params).toEqual({ charset: 'utf-8' });
    expect(tree.envelope?.subject).toBe('hi');
    expect(bodySection(tree)).toBe('1');
  });

  it('accepts bare LF line endings everywhere', () => {
    const raw = Buffer.from('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\none\n--b\n\ntwo\n--b--\n');
    const tree = parseMimeTree(raw);
    expect(tree.children.map((p) => bodyText(raw, p))).toEqual(['one', 'two']);
    expect(headerText(raw, tree.children[0]!)).toBe('Content-Type: text/plain\n\n');
    expect(headerText(raw, tree.children[1]!)).toBe('\n');
    checkShape(raw, tree);
  });

  it('runs a header without a blank line to the end of the message (no body)', () => {
    const raw = Buffer.from(`Subject: x${CRLF}To: a@b${CRLF}`);
    const tree = parseMimeTree(raw);
    expect([tree.headerEnd, tree.bodyStart, tree.bodyEnd]).toEqual([raw.length, raw.length, raw.length]);
    expect(tree.lines).toBe(0);
  });

  it('survives the empty message and a lone blank line', () => {
    for (const raw of [Buffer.alloc(0), Buffer.from(CRLF), Buffer.from('\n')]) {
      const tree = parseMimeTree(raw);
      expect(tree.kind).toBe('leaf');
      expect(tree.bodyEnd).toBe(raw.length);
      checkShape(raw, tree);
    }
  });

  it('reads Content-* fields case-insensitively and the first of duplicates', () => {
    const raw = Buffer.from(
      [
        'CONTENT-TYPE: Text/HTML; CHARSET="GBK"',
        'Content-Type: text/plain',
        'content-transfer-encoding: Quoted-Printable',
        'Content-Disposition: INLINE; FileName="=?UTF-8?B?5paH5Lu2?=.htm"',
        'Content-ID: <cid@x>',
        'Content-Language: en (English), zh-CN',
        '',
        'x',
      ].join(CRLF),
    );
    const tree = parseMimeTree(raw);
    expect([tree.type, tree.subtype, tree.params['charset'], tree.encoding, tree.id]).toEqual(['text', 'html', 'GBK', 'quoted-printable', '<cid@x>']);
    expect(tree.disposition).toMatchObject({ type: 'inline', params: { filename: '文件.htm' } });
    expect(tree.language).toEqual(['en', 'zh-CN']);
  });

  it('reads an unparseable Content-Type as absent (RFC 2045 §5.2)', () => {
    const tree = parseMimeTree(Buffer.from('Content-Type: garbage\r\n\r\nx'));
    expect([tree.type, tree.subtype, tree.contentTypeFromHeader, tree.defects]).toEqual(['text', 'plain', false, ['bad-content-type']]);
  });
});

describe('parseMimeTree: multipart (RFC 2046 §5.1.1)', () => {
  const message = (...lines: string[]) => Buffer.from(lines.join(CRLF));

  it('excludes preamble, epilogue and the line break before each delimiter', () => {
    const raw = message('Content-Type: multipart/mixed; boundary="=_b"', '', 'preamble', '--=_b', '', 'one', '--=_b', 'Content-Type: text/html', '', '<p>two</p>', '', '--=_b--', 'epilogue', '');
    const tree = parseMimeTree(raw);
    expect(tree.kind).toBe('multipart');
    expect(tree.children.map((p) => [p.section, bodyText(raw, p)])).toEqual([
      ['1', 'one'],
      ['2', `<p>two</p>${CRLF}`],
    ]);
    // the multipart's own body is everything after its header, preamble and epilogue included
    expect(bodyText(raw, tree).startsWith('preamble')).toBe(true);
    expect(tree.bodyEnd).toBe(raw.length);
  });

  it('allows transport padding after a delimiter and anything after a closing one', () => {
    const raw = message('Content-Type: multipart/mixed; boundary=b', '', '--b \t', '', 'one', '--b-- trailing', '--b', '', 'epilogue, not a part', '');
    const tree = parseMimeTree(raw);
    expect(tree.children.map((p) => bodyText(raw, p))).toEqual(['one']);
  });

  it('does not take a longer boundary that starts with ours for ours', () => {
    const raw = message(
      'Content-Type: multipart/mixed; boundary="abc"',
      '',
      '--abc',
      'Content-Type: multipart/alternative; boundary="abc_1"',
      '',
      '--abc_1',
      '',
      'one',
      '--abcdef is text',
      '--abc_1',
      '',
      'two',
      '--abc_1--',
      '--abc',
      '',
      'three',
      '--abc--',
    );
    const tree = parseMimeTree(raw);
    expect(tree.children).toHaveLength(2);
    expect(tree.children[0]!.children.map((p) => [p.section, bodyText(raw, p)])).toEqual([
      ['1.1', `one${CRLF}--abcdef is text`],
      ['1.2', 'two'],
    ]);
    // RFC 2046 grammar: the CRLF after "--abc_1--" is the outer delimiter's (Dovecot keeps it in
    // the inner multipart's body; we follow the grammar)
    expect(bodyText(raw, tree.children[0]!).endsWith('--abc_1--')).toBe(true);
    expect(bodyText(raw, tree.children[1]!)).toBe('three');
  });

  it('runs the last part of an unclosed multipart to the end of the message', () => {
    const raw = message('Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'one', '--b', 'Content-Type: application/pdf', '', 'JVBERi0=', '');
    const tree = parseMimeTree(raw);
    expect(tree.children.map((p) => bodyText(raw, p))).toEqual(['one', `JVBERi0=${CRLF}`]);
    expect(tree.children[1]!.bodyEnd).toBe(raw.length);
  });

  it('ends an unclosed inner multipart where the outer delimiter comes', () => {
    const raw = message(
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      '',
      'inner text',
      '--outer',
      'Content-Type: text/html',
      '',
      '<p>x</p>',
      '--outer--',
    );
    const tree = parseMimeTree(raw);
    expect(tree.children.map((p) => p.kind)).toEqual(['multipart', 'leaf']);
    expect(bodyText(raw, tree.children[0]!.children[0]!)).toBe('inner text');
    expect(bodyText(raw, tree.children[1]!)).toBe('<p>x</p>');
  });

  it('ends a part whose header has no blank line at the next delimiter (empty body)', () => {
    const raw = message('Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '--b', '--b', '', 'x', '--b--');
    const tree = parseMimeTree(raw);
    const [first, second, third] = tree.children;
    expect(headerText(raw, first!)).toBe('Content-Type: text/plain');
    expect([first!.bodyStart, first!.bodyEnd]).toEqual([first!.headerEnd, first!.headerEnd]);
    expect(first!.defects).toEqual(['header-not-terminated']);
    expect(headerText(raw, second!)).toBe('');
    expect(bodyText(raw, third!)).toBe('x');
    checkShape(raw, tree);
  });

  it('reads a multipart without a boundary, or whose boundary never comes, as text/plain', () => {
    for (const [header, defect] of [
      ['Content-Type: multipart/mixed', 'multipart-without-boundary'],
      ['Content-Type: multipart/mixed; boundary=zz', 'multipart-without-parts'],
    ]) {
      const raw = message(header!, '', '--b', '', 'x', '--b--');
      const tree = parseMimeTree(raw);
      expect([tree.kind, tree.type, tree.subtype, tree.defects]).toEqual(['leaf', 'text', 'plain', [defect]]);
      expect(tree.bodyEnd).toBe(raw.length);
    }
  });
});

describe('parseMimeTree: message/rfc822 (RFC 2046 §5.2.1, RFC 3501 §6.4.5 numbering)', () => {
  it('has the encapsulated message as its one child, with its own envelope and numbered parts', () => {
    const inner = ['Subject: inner', 'Content-Type: multipart/alternative; boundary=c', '', '--c', '', 't', '--c', 'Content-Type: text/html', '', 'h', '--c--'].join(CRLF);
    const raw = Buffer.from(['Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'first', '--b', 'Content-Type: message/rfc822', '', inner, '--b--'].join(CRLF));
    const tree = parseMimeTree(raw);
    const forward = tree.children[1]!;
    expect([forward.section, forward.kind, forward.role]).toEqual(['2', 'message', 'part']);
    expect(bodyText(raw, forward)).toBe(inner);
    const message = forward.children[0]!;
    expect([message.section, message.role, message.kind, message.headerStart]).toEqual(['2', 'message', 'multipart', forward.bodyStart]);
    expect(message.envelope?.subject).toBe('inner');
    expect(message.children.map((p) => p.section)).toEqual(['2.1', '2.2']);
    expect(bodySection(message)).toBe('2.TEXT');
    expect(forward.lines).toBe(inner.split('\n').length - 1);
  });

  it('numbers the body of a non-multipart encapsulated message as part N.1', () => {
    const raw = Buffer.from(['Content-Type: message/rfc822', '', 'Subject: s', '', 'body'].join(CRLF));
    const tree = parseMimeTree(raw);
    expect(tree.kind).toBe('message');
    const message = tree.children[0]!;
    expect([message.section, bodySection(message), bodyText(raw, message)]).toEqual(['1', '1.1', 'body']);
  });
});

describe('parseMimeTree: hostile input', () => {
  function nested(depth: number): Buffer {
    let text = `${CRLF}leaf`; // the innermost part: empty header, body "leaf"
    for (let i = depth; i >= 1; i--) text = `Content-Type: multipart/mixed; boundary=b${i}${CRLF}${CRLF}--b${i}${CRLF}${text}${CRLF}--b${i}--`;
    return Buffer.from(text);
  }

  it('parses 30 levels of nesting (the corpus has them)', () => {
    const raw = nested(30);
    const tree = parseMimeTree(raw);
    const deepest = [...walkParts(tree)].reduce((a, b) => (b.depth > a.depth ? b : a));
    expect([deepest.depth, deepest.kind, deepest.defects]).toEqual([30, 'leaf', []]);
    expect(bodyText(raw, deepest)).toBe('leaf');
    expect(deepest.section).toBe(Array(30).fill('1').join('.'));
  });

  it('stops nesting at the depth cap: deeper content is the body of a text/plain leaf', () => {
    const raw = nested(5000);
    const tree = parseMimeTree(raw);
    const parts = [...walkParts(tree)];
    const capped = parts.find((p) => p.defects.includes('too-deep'))!;
    expect(capped.depth).toBe(40);
    expect([capped.kind, capped.type]).toEqual(['leaf', 'text']);
    expect(Math.max(...parts.map((p) => p.depth))).toBe(40);
    checkShape(raw, tree);
  });

  it('stops making parts at the part cap; the parts open then run to the end', () => {
    const lines = ['Content-Type: multipart/mixed; boundary=b', ''];
    for (let i = 0; i < 20; i++) lines.push('--b', '', `part ${i}`);
    lines.push('--b--', '');
    const raw = Buffer.from(lines.join(CRLF));
    const tree = parseMimeTree(raw, { maxParts: 5 });
    expect(tree.children).toHaveLength(4); // the root and four parts
    expect(tree.defects).toEqual(['too-many-parts']);
    expect(tree.children[3]!.bodyEnd).toBe(raw.length);
  });

  it('never throws and keeps offsets consistent on random and mangled input', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const atoms = ['--b', '--b--', '--c', '\r\n', '\n', '\r', 'Content-Type: multipart/mixed; boundary=b', 'Content-Type: message/rfc822', 'Content-Type: multipart/digest; boundary=c', ' ', 'x', ':', ';', '"', '=?UTF-8?B?5L2g?=', "name*0*=UTF-8''%E4", '\0', '\xff'];
    for (let n = 0; n < 500; n++) {
      let text = '';
      const length = Math.floor(random() * 60);
      for (let i = 0; i < length; i++) text += atoms[Math.floor(random() * atoms.length)];
      const raw = Buffer.from(text, 'latin1');
      const tree = parseMimeTree(raw);
      checkShape(raw, tree);
    }
  });
});
