/**
 * Our IMAP server driven by python3's imaplib, the client many scripts and tools in government
 * offices are built on: SEARCH CHARSET UTF-8 (and GB2312) with Chinese words sent as literals
 * (RFC 3501 §6.4.4), BODYSTRUCTURE of a multipart with GBK-named attachments (RFC 3501 §7.4.2,
 * RFC 2047/2231 names passed through as sent), and LOGIN refused before STARTTLS (RFC 3501
 * §6.2.3 LOGINDISABLED, §6.2.1).
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../fixtures/imap-structure/corpus-fixtures.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322 } from '../helpers/temp-services.js';
import { runImaplib, type ImaplibRequest } from './imaplib-client.js';
import { parseFetchResponse, type WireValue } from './imap-value-parser.js';

let gm: TestGovmail;

const b64Word = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

beforeAll(async () => {
  gm = await startTestGovmail();
  const deliver = (raw: Buffer) => gm.services.delivery.deliver({ envelopeFrom: 'bgs@jiaxing.gov.cn', recipients: ['lina@haining.gov.cn'], raw, submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
  // UIDs 1..4 in lina's INBOX.
  await deliver(rfc5322({ subject: b64Word('关于做好汛期防汛工作的通知'), body: '各镇（街道）：请做好准备。' }));
  await deliver(rfc5322({ subject: b64Word('会议纪要'), body: '海宁市政府常务会议纪要。' }));
  await deliver(rfc5322({ subject: 'Weekly report', body: 'Nothing about floods.' }));
  // A GBK-encoded subject (RFC 2047): found by the same UTF-8 search.
  await deliver(
    Buffer.concat([
      Buffer.from('From: a@example.com\r\nTo: lina@haining.gov.cn\r\nSubject: =?GBK?B?t8DRtLzssunNqNaq?=\r\nDate: Tue, 04 Mar 2025 13:48:05 +0800\r\nMessage-ID: <gbk@example.com>\r\n'),
      Buffer.from('MIME-Version: 1.0\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\nbody\r\n'),
    ]),
  );
});

afterAll(async () => {
  await gm?.stop();
});

function request(extra: Record<string, unknown> = {}, user = 'lina@haining.gov.cn'): ImaplibRequest {
  return { imaps: gm.ports.imaps!, imap: gm.ports.imap!, user, password: SEED_PASSWORD, ...extra };
}

describe('SEARCH with Chinese text (RFC 3501 §6.4.4, §4.3 literals)', () => {
  it('SEARCH CHARSET UTF-8 SUBJECT with the word as a literal finds the right messages', async () => {
    const out = await runImaplib<Record<string, [string, string[]]>>(
      String.raw`
M = tls_client()
M.login(req['user'], req['password'])
M.select('INBOX')
out = {}
for key, word in [('SUBJECT', '防汛'), ('SUBJECT', '会议'), ('BODY', '海宁'), ('TEXT', '会议纪要'), ('SUBJECT', '不存在的词')]:
    M.literal = word.encode('utf-8')
    typ, data = M.search('UTF-8', key)
    out[key + ' ' + word] = [typ, [d(x) for x in data]]
M.literal = '防汛'.encode('utf-8')
typ, data = M.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT')
out['UID SUBJECT 防汛'] = [typ, [d(x) for x in data]]
M.logout()
`,
      request(),
    );
    // Message 1 (UTF-8 encoded-word) and 4 (GBK encoded-word) both say 防汛.
    expect(out['SUBJECT 防汛']).toEqual(['OK', ['1 4']]);
    expect(out['SUBJECT 会议']).toEqual(['OK', ['2']]);
    expect(out['BODY 海宁']).toEqual(['OK', ['2']]);
    expect(out['TEXT 会议纪要']).toEqual(['OK', ['2']]);
    expect(out['SUBJECT 不存在的词']).toEqual(['OK', ['']]);
    expect(out['UID SUBJECT 防汛']).toEqual(['OK', ['1 4']]);
  });

  it('SEARCH CHARSET GB2312 and GBK decode the literal before searching', async () => {
    const out = await runImaplib<Record<string, [string, string[]]>>(
      String.raw`
M = tls_client()
M.login(req['user'], req['password'])
M.select('INBOX')
out = {}
for charset in ['GB2312', 'GBK', 'GB18030']:
    M.literal = '防汛'.encode(charset.lower())
    typ, data = M.search(charset, 'SUBJECT')
    out[charset] = [typ, [d(x) for x in data]]
M.logout()
`,
      request(),
    );
    expect(out).toEqual({ GB2312: ['OK', ['1 4']], GBK: ['OK', ['1 4']], GB18030: ['OK', ['1 4']] });
  });

  it('an unknown charset is answered NO [BADCHARSET] (RFC 3501 §6.4.4), and the session goes on', async () => {
    const out = await runImaplib<{ error: string; after: string }>(
      String.raw`
M = tls_client()
M.login(req['user'], req['password'])
M.select('INBOX')
M.literal = b'abc'
try:
    M.search('X-NO-SUCH-CHARSET', 'SUBJECT')
    err = 'none'
except imaplib.IMAP4.error as e:
    err = str(e)
typ, data = M.search(None, 'ALL')
out = {'error': err, 'after': d(data[0])}
M.logout()
`,
      request(),
    );
    expect(out.error).toMatch(/BADCHARSET/);
    expect(out.after).toBe('1 2 3 4');
  });

  it('UTF-8 in a quoted string is accepted; raw 8-bit outside a literal or quoted string is BAD (RFC 3501 §9 ATOM-CHAR) and harmless', async () => {
    const out = await runImaplib<{ quoted: string; raw: string; after: string }>(
      String.raw`
M = tls_client()
M.login(req['user'], req['password'])
M.select('INBOX')
typ, data = M.search('UTF-8', 'SUBJECT', '"防汛"'.encode('utf-8'))
quoted = d(data[0])
try:
    M.search('UTF-8', 'SUBJECT', '防汛'.encode('utf-8'))
    raw = 'accepted'
except imaplib.IMAP4.error as e:
    raw = str(e)
typ, data = M.search(None, 'ALL')
out = {'quoted': quoted, 'raw': raw, 'after': d(data[0])}
M.logout()
`,
      request(),
    );
    expect(out.quoted).toBe('1 4');
    // imaplib sends bytes as a bare atom; RFC 3501 atoms are 7-bit. The answer says what to do.
    expect(out.raw).toMatch(/BAD|literal/i);
    expect(out.after).toBe('1 2 3 4');
  });
});

describe('BODYSTRUCTURE of multiparts with GBK-named attachments (RFC 3501 §7.4.2, RFC 2047, RFC 2231)', () => {
  /** Find the body part whose parameter list carries NAME (or FILENAME*). */
  function partsOf(structure: WireValue): WireValue[][] {
    const out: WireValue[][] = [];
    const visit = (node: WireValue) => {
      if (!Array.isArray(node)) return;
      if (Array.isArray(node[0])) {
        for (const child of node) if (Array.isArray(child)) visit(child);
      } else out.push(node);
    };
    visit(structure);
    return out;
  }
  /** imaplib hands back `1 (BODYSTRUCTURE …)`: the response without `* ` and `FETCH`. */
  const asFetchResponse = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    const space = bytes.indexOf(0x20);
    return Buffer.concat([Buffer.from('* '), bytes.subarray(0, space), Buffer.from(' FETCH'), bytes.subarray(space)]);
  };
  const text = (v: WireValue | undefined) => (Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : null);
  const params = (v: WireValue | undefined): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!Array.isArray(v)) return out;
    for (let i = 0; i + 1 < v.length; i += 2) out[text(v[i])!.toUpperCase()] = text(v[i + 1])!;
    return out;
  };

  for (const [file, expected] of [
    ['047-mixed-gbk-txt-rfc2047-gbk.eml', [{ name: '=?GBK?B?uduzsb3as++xuLvh0um8zdKqLnR4dA==?=', decoded: '观潮节筹备会议纪要.txt' }]],
    [
      '036-gbk-and-gb18030-attachment-names.eml',
      [
        // RFC 2231 `filename*` (charset'lang'percent-octets) is passed through as sent.
        { name: '=?GB18030?B?zsTO77Gju6S74dLpvM3Sqi50eHQ=?=', decoded: '文物保护会议纪要.txt', filenameStar: "GBK''%CE%C4%CE%EF%B1%A3%BB%A4%BB%E1%D2%E9%BC%CD%D2%AA.txt" },
        { name: '=?GB2312?B?zsTO77Gju6TH6b/2zbO8xrHtLnhsc3g=?=', decoded: '文物保护情况统计表.xlsx' },
      ],
    ],
  ] as const) {
    it(`${file}: APPENDed by imaplib, its BODYSTRUCTURE parses and carries the encoded names`, async () => {
      const raw = readFileSync(path.join(corpusDir(), 'messages', file));
      const out = await runImaplib<{ append: string; fetch: string[]; names: string[]; part: string }>(
        String.raw`
import email.header
raw = base64.b64decode(req['raw'])
M = tls_client()
M.login(req['user'], req['password'])
typ, data = M.append('INBOX', None, None, raw)
append = d(data[0])
M.select('INBOX')
uid = append.split(']')[0].split(' ')[-1]
typ, data = M.uid('FETCH', uid, '(BODYSTRUCTURE)')
fetched = flat(data)
# Python's own decoder on the names as they came over the wire.
names = []
for token in b' '.join(fetched).split(b'"'):
    if token.startswith(b'=?'):
        names.append(str(email.header.make_header(email.header.decode_header(token.decode('ascii')))))
typ, data = M.uid('FETCH', uid, '(BODY.PEEK[2])')
out = {'append': append, 'fetch': [b64(x) for x in fetched], 'names': names, 'part': b64(flat(data)[0])}
M.logout()
`,
        request({ raw: raw.toString('base64') }, 'wangfang@haining.gov.cn'),
      );
      expect(out.append).toMatch(/^\[APPENDUID \d+ \d+\] /);
      expect(out.fetch).toHaveLength(1);
      const response = parseFetchResponse(asFetchResponse(out.fetch[0]!));
      const structure = response.items.get('BODYSTRUCTURE');
      expect(Array.isArray(structure)).toBe(true);
      const leaves = partsOf(structure!);
      for (const { name, decoded, ...more } of expected as readonly { name: string; decoded: string; filenameStar?: string }[]) {
        const part = leaves.find((leaf) => params(leaf[2]).NAME === name);
        expect(part, `part named ${name}`).toBeDefined();
        // Disposition (RFC 3501 §7.4.2 body-fld-dsp) follows MD5, which follows the line count
        // that only TEXT parts have: ("ATTACHMENT" (...)) as sent.
        const disposition = part![text(part![0])?.toUpperCase() === 'TEXT' ? 9 : 8];
        expect(Array.isArray(disposition) && text(disposition[0])?.toUpperCase()).toBe('ATTACHMENT');
        if (more.filenameStar) expect(params((disposition as WireValue[])[1])['FILENAME*']).toBe(more.filenameStar);
        expect(out.names).toContain(decoded);
      }
      // After the children: the multipart subtype, then its parameters with the boundary.
      const top = structure as WireValue[];
      const subtypeAt = top.findIndex((item) => !Array.isArray(item));
      expect(text(top[subtypeAt])).toBe('MIXED');
      expect(params(top[subtypeAt + 1]).BOUNDARY).toBeTruthy();
      // BODY[2] (RFC 3501 §6.4.5) is the attachment's base64 text, GBK inside.
      const section = parseFetchResponse(asFetchResponse(out.part)).items.get('BODY[2]');
      expect(Buffer.isBuffer(section)).toBe(true);
      const decoded = iconv.decode(Buffer.from((section as Buffer).toString('latin1'), 'base64'), 'gbk');
      expect(decoded).toMatch(/[\u4e00-\u9fff]/);
    });
  }
});

describe('authentication (RFC 3501 §6.2.1 STARTTLS, §6.2.3 LOGIN, §7.2.1 LOGINDISABLED)', () => {
  it('LOGIN is refused before STARTTLS and accepted after it on the same connection', async () => {
    const out = await runImaplib<{ before: string[]; refused: string; after: string[]; login: string; list: number }>(
      String.raw`
M = imaplib.IMAP4('127.0.0.1', req['imap'], timeout=30)
before = list(M.capabilities)
try:
    M.login(req['user'], req['password'])
    refused = 'accepted'
except imaplib.IMAP4.error as e:
    refused = str(e)
M.starttls(ssl_context=ctx)
after = list(M.capabilities)
typ, data = M.login(req['user'], req['password'])
typ2, boxes = M.list()
out = {'before': before, 'refused': refused, 'after': after, 'login': typ, 'list': len(boxes)}
M.logout()
`,
      request(),
    );
    expect(out.before).toEqual(expect.arrayContaining(['STARTTLS', 'LOGINDISABLED']));
    expect(out.before.some((c) => c.startsWith('AUTH='))).toBe(false);
    expect(out.refused).toMatch(/PRIVACYACCT|STARTTLS/);
    expect(out.after).not.toContain('LOGINDISABLED');
    expect(out.after).toContain('AUTH=PLAIN');
    expect(out.login).toBe('OK');
    expect(out.list).toBeGreaterThanOrEqual(6);
  });

  it('AUTHENTICATE PLAIN works over implicit TLS; the session lists, appends and fetches', async () => {
    const out = await runImaplib<{ auth: string; flags: string[]; date: number[] | null }>(
      String.raw`
M = tls_client()
user, password = req['user'], req['password']
typ, data = M.authenticate('PLAIN', lambda _: ('\0' + user + '\0' + password).encode())
M.select('INBOX')
typ2, data2 = M.fetch('1', '(FLAGS INTERNALDATE)')
line = data2[0]
out = {'auth': typ, 'flags': [d(f) for f in imaplib.ParseFlags(line)], 'date': list(imaplib.Internaldate2tuple(line) or [])[:6]}
M.logout()
`,
      request(),
    );
    expect(out.auth).toBe('OK');
    expect(Array.isArray(out.flags)).toBe(true);
    // imaplib's own INTERNALDATE parser accepts our date-time (RFC 3501 §9 date-time).
    expect(out.date?.length).toBe(6);
  });
});
