/**
 * ENVELOPE (RFC 3501 §7.4.2) of hand-written messages. Every expected string was written by hand
 * from the RFC's grammar and its example, and checked against Dovecot 2.3.19 (imap over stdio,
 * PREAUTH) where the note does not say we differ on purpose.
 */
import { describe, expect, it } from 'vitest';
import { imapText } from '../../../test/fixtures/imap-structure/imap-text.js';
import { parseAddressList } from './address-list.js';
import { buildEnvelope, envelopeNode } from './envelope.js';
import { parseMimeTree } from './mime-tree.js';

function envelopeOf(header: string[] | Buffer, body = 'x\r\n'): string {
  const raw = Buffer.isBuffer(header) ? header : Buffer.from([...header, '', body].join('\r\n'));
  return imapText(envelopeNode(buildEnvelope(raw, parseMimeTree(raw))));
}

describe('ENVELOPE', () => {
  it('reproduces the example of RFC 3501 §7.4.2 (FETCH response) exactly', () => {
    const header = [
      'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
      'From: Terry Gray <gray@cac.washington.edu>',
      'Subject: IMAP4rev1 WG mtg summary and minutes',
      'To: imap@cac.washington.edu',
      'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
      'Message-Id: <B27397-0100000@cac.washington.edu>',
      'MIME-Version: 1.0',
      'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
    ];
    // sender and reply-to are absent: both are the from list (RFC 3501 §7.4.2); the cc list's
    // two addresses are written with no space between them ("(" 1*address ")")
    expect(envelopeOf(header)).toBe(
      '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ' +
        '((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ' +
        '"<B27397-0100000@cac.washington.edu>")',
    );
  });

  it('keeps encoded words encoded and unfolds folded values (RFC 5322 §2.2.3)', () => {
    const header = [
      'From: =?UTF-8?B?6LW156OK?= <zhaolei@haining.gov.cn>',
      'Subject: =?UTF-8?B?5oql6YCB?=',
      '\t=?UTF-8?B?5raI6Ziy?=',
      'To: =?GBK?Q?=D5=C5=CE=B0?= <zhangwei@haining.gov.cn>,',
      ' "=?GB2312?B?0OzA9ruq?=" <xulihua@haining.gov.cn>',
      'In-Reply-To: <a@b>',
      ' <c@d>',
    ];
    // the TAB of the fold stays (only the line break is removed); a quoted encoded word (Foxmail)
    // loses its quotes but stays encoded
    expect(envelopeOf(header)).toBe(
      '(NIL "=?UTF-8?B?5oql6YCB?=\t=?UTF-8?B?5raI6Ziy?=" (("=?UTF-8?B?6LW156OK?=" NIL "zhaolei" "haining.gov.cn")) ' +
        '(("=?UTF-8?B?6LW156OK?=" NIL "zhaolei" "haining.gov.cn")) (("=?UTF-8?B?6LW156OK?=" NIL "zhaolei" "haining.gov.cn")) ' +
        '(("=?GBK?Q?=D5=C5=CE=B0?=" NIL "zhangwei" "haining.gov.cn")("=?GB2312?B?0OzA9ruq?=" NIL "xulihua" "haining.gov.cn")) ' +
        'NIL NIL "<a@b> <c@d>" NIL)',
    );
  });

  it('writes groups as (NIL NIL "name" NIL) … (NIL NIL NIL NIL), routes as adl, and fills in missing parts', () => {
    const header = [
      'From: "Zhang, San" <zs@x.cn>, Li Si <ls@y.cn> (comment), =?UTF-8?B?546L?= <w@z.cn>',
      'Sender: Sec <sec@x.cn>',
      'Reply-To:',
      'To: undisclosed-recipients:;',
      'Cc: Team: a@b.c, "Quoted Local"@d.e;, <@route1,@route2:r@h.i>',
      'Bcc: broken <no-at-sign>, @, <>, bare@host (Comment Name)',
      'Message-ID:',
      'Date: not a date',
    ];
    // Reply-To present but empty → from (RFC 3501); Message-ID present but empty → "".
    // The quoted local part keeps its quotes so `mailbox@host` is a usable address (Dovecot
    // strips them). A bare address's comment is its name, as in Dovecot.
    expect(envelopeOf(header)).toBe(
      '("not a date" NIL ' +
        '(("Zhang, San" NIL "zs" "x.cn")("Li Si" NIL "ls" "y.cn")("=?UTF-8?B?546L?=" NIL "w" "z.cn")) ' +
        '(("Sec" NIL "sec" "x.cn")) ' +
        '(("Zhang, San" NIL "zs" "x.cn")("Li Si" NIL "ls" "y.cn")("=?UTF-8?B?546L?=" NIL "w" "z.cn")) ' +
        '((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ' +
        '((NIL NIL "Team" NIL)(NIL NIL "a" "b.c")(NIL NIL "\\"Quoted Local\\"" "d.e")(NIL NIL NIL NIL)(NIL "@route1,@route2" "r" "h.i")) ' +
        '(("broken" NIL "no-at-sign" "MISSING_DOMAIN")(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")("Comment Name" NIL "bare" "host")) ' +
        'NIL "")',
    );
  });

  it('keeps raw 8-bit header text as octets (sent as a literal), UTF-8 and GBK alike', () => {
    const utf8 = Buffer.from('From: 张三 <zs@x.cn>\r\nSubject: 测试\r\n\r\nx\r\n', 'utf8');
    const env = buildEnvelope(utf8, parseMimeTree(utf8));
    expect(env.subject).toEqual(Buffer.from('测试', 'utf8'));
    expect(env.from?.[0]?.name).toEqual(Buffer.from('张三', 'utf8'));
    // the test serialiser writes a literal: {6}CRLF + the six octets of 测试
    expect(envelopeOf(utf8)).toBe('(NIL {6}\r\n测试 (({6}\r\n张三 NIL "zs" "x.cn")) (({6}\r\n张三 NIL "zs" "x.cn")) (({6}\r\n张三 NIL "zs" "x.cn")) NIL NIL NIL NIL NIL)');

    const gbk = Buffer.concat([Buffer.from('Subject: '), Buffer.from([0xb2, 0xe2, 0xca, 0xd4]), Buffer.from('\r\n\r\n')]);
    expect(buildEnvelope(gbk, parseMimeTree(gbk)).subject).toEqual(Buffer.from([0xb2, 0xe2, 0xca, 0xd4]));
  });

  it('replaces a NUL in a header value by U+FFFD, so every value can be sent as a literal (RFC 3501 §4.3)', () => {
    const raw = Buffer.from('Subject: a\0b\r\n\r\n', 'latin1');
    expect(buildEnvelope(raw, parseMimeTree(raw)).subject).toEqual(Buffer.from('a\uFFFDb', 'utf8'));
  });

  it('takes the first of duplicate fields (as the webmail shows it; Dovecot takes the last)', () => {
    expect(envelopeOf(['Subject: first', 'Subject: second'])).toBe('(NIL "first" NIL NIL NIL NIL NIL NIL NIL NIL)');
  });

  it('is all NIL for a message without header fields, and for an empty message', () => {
    expect(envelopeOf(Buffer.from('\r\nbody only\r\n'))).toBe('(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
    expect(envelopeOf(Buffer.alloc(0))).toBe('(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
  });

  it('escapes quotes and backslashes only in the serialiser, keeping the value as parsed', () => {
    expect(envelopeOf(['From: "A \\"B\\" \\\\C" <a@b.c>'])).toBe(
      '(NIL NIL (("A \\"B\\" \\\\C" NIL "a" "b.c")) (("A \\"B\\" \\\\C" NIL "a" "b.c")) (("A \\"B\\" \\\\C" NIL "a" "b.c")) NIL NIL NIL NIL NIL)',
    );
  });
});

describe('parseAddressList', () => {
  const parse = (s: string) =>
    parseAddressList(Buffer.from(s)).map((a) => [a.name?.toString() ?? null, a.adl?.toString() ?? null, a.mailbox?.toString() ?? null, a.host?.toString() ?? null]);

  it('reads display names with dots, comments and folding whitespace', () => {
    expect(parse('J. Smith <js@x>, Zhang   San (x) <zs@x.cn>')).toEqual([
      ['J. Smith', null, 'js', 'x'],
      ['Zhang San', null, 'zs', 'x.cn'],
    ]);
  });

  it('ends an unterminated group and ignores junk after an angle address', () => {
    expect(parse('G: a@b, c@d')).toEqual([
      [null, null, 'G', null],
      [null, null, 'a', 'b'],
      [null, null, 'c', 'd'],
      [null, null, null, null],
    ]);
    expect(parse('<a@b> trailing junk, c@d')).toEqual([
      [null, null, 'a', 'b'],
      [null, null, 'c', 'd'],
    ]);
  });

  it('treats a display name holding an address as a name (a phishing favourite)', () => {
    expect(parse('zhangwei@haining.gov.cn <evil@attacker.invalid>')).toEqual([['zhangwei@haining.gov.cn', null, 'evil', 'attacker.invalid']]);
  });

  it('returns nothing for an empty list', () => {
    expect(parse('')).toEqual([]);
    expect(parse(' , ,')).toEqual([]);
  });
});
