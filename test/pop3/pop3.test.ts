/**
 * POP3 end to end: a real govmail, our POP3 listeners on port 0 (plain with STLS, and implicit
 * TLS), python3's poplib as the client, and a raw socket for what a well-behaved client never
 * sends. RFC 1939 (POP3), 2449 (CAPA, response codes), 2595 §4 (STLS), 5034 (AUTH PLAIN).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenPop3, type Pop3Listener } from '../../server/pop3/pop3-server.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { SYSTEM_ACTOR } from '../helpers/temp-services.js';
import { err, ok, retrBytes, runPoplib, type PoplibStep } from './poplib-client.js';
import { Pop3Wire } from './pop3-wire.js';

let gm: TestGovmail;
let plain: Pop3Listener;
let secure: Pop3Listener;
let personCounter = 0;

beforeAll(async () => {
  gm = await startTestGovmail({ people: [] });
  const listen = { host: '127.0.0.1', port: 0 };
  plain = await listenPop3(gm.services, gm.running.tls, listen, { implicitTls: false });
  secure = await listenPop3(gm.services, gm.running.tls, listen, { implicitTls: true });
});

afterAll(async () => {
  await plain?.close();
  await secure?.close();
  await gm?.stop();
});

/** A fresh person per test, so tests do not see each other's mail. */
async function newPerson(): Promise<string> {
  personCounter++;
  const address = `pop${personCounter}@haining.gov.cn`;
  await gm.addPerson({ address, displayName: `测试${personCounter}` });
  return address;
}

async function deliver(address: string, raw: Buffer): Promise<void> {
  await gm.services.delivery.deliver({ envelopeFrom: 'sender@example.com', recipients: [address], raw, submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
}

function message(subject: string, bodyLines: string[], extraHeaders: string[] = []): Buffer {
  const head = [
    'From: 海宁市防汛办 <fxb@example.com>',
    'To: someone@haining.gov.cn',
    `Subject: ${subject}`,
    'Date: Tue, 04 Mar 2025 13:48:05 +0800',
    `Message-ID: <${subject.replace(/\W/g, '')}.${Math.random().toString(36).slice(2)}@example.com>`,
    'MIME-Version: 1.0',
    ...(extraHeaders.length ? extraHeaders : ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit']),
  ];
  return Buffer.from([...head, '', ...bodyLines, ''].join('\r\n'), 'utf8');
}

/** A message with lines that start with dots: RFC 1939 §3 byte-stuffing must round-trip. */
function dottedMessage(): Buffer {
  return message('dots', ['第一行', '.', '..two dots', '.leading dot', 'middle . dot', '...', 'end']);
}

/** A GBK message as Foxmail and older government systems send it: 8-bit, not UTF-8. */
function gbkMessage(): Buffer {
  const head = [
    'From: fxb@example.com',
    'To: someone@haining.gov.cn',
    'Subject: =?GBK?B?t8DRtM2o1qo=?=',
    'Date: Tue, 04 Mar 2025 13:48:05 +0800',
    'Message-ID: <gbk.1@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=GBK',
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    Buffer.from('baa3c4fecad0c8cbc3f1d5feb8aeb9d8d3dad7f6bac3b7c0d1b4b9a4d7f7b5c4cda8d6aa', 'hex'),
    Buffer.from('\r\n.', 'latin1'),
    Buffer.from('b8f7b5a5cebba3bac7ebd7f6bac3b7c0d1b4d7bcb1b8a1a3', 'hex'),
    Buffer.from('\r\n', 'latin1'),
  ]);
}

/** An independent byte-stuffing, to check the wire bytes of RETR (not the server's encoder). */
function stuffed(raw: Buffer): Buffer {
  const text = raw.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(`${text}.\r\n`, 'latin1');
}

async function loginRaw(address: string, options: { implicitTls?: boolean } = {}): Promise<Pop3Wire> {
  const wire = await Pop3Wire.connect(options.implicitTls === false ? plain.port : secure.port, { implicitTls: options.implicitTls !== false });
  expect(await wire.readLine()).toMatch(/^\+OK/);
  if (options.implicitTls === false) expect(await wire.stls()).toMatch(/^\+OK/);
  expect(await wire.command(`USER ${address}`)).toMatch(/^\+OK/);
  expect(await wire.command(`PASS ${SEED_PASSWORD}`)).toMatch(/^\+OK/);
  return wire;
}

const login = (address: string): PoplibStep[] => [
  ['user', address],
  ['pass', SEED_PASSWORD],
];

describe('POP3 with python poplib (a real client)', () => {
  it('without TLS offers STLS and no login (CAPA, USER refused); after STLS offers USER and SASL PLAIN', async () => {
    const address = await newPerson();
    await deliver(address, message('hello', ['hi']));
    const r = await runPoplib(plain.port, 'none', [['capa'], ['user', address], ['stls'], ['capa'], ...login(address), ['stat'], ['quit']]);
    expect(r.welcome).toMatch(/^\+OK/);
    const before = ok<Record<string, string[]>>(r, 0);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'STLS', 'IMPLEMENTATION']));
    expect(before).not.toHaveProperty('USER');
    expect(before).not.toHaveProperty('SASL');
    // RFC 2595 §4-style refusal, like Dovecot's disable_plaintext_auth.
    expect(err(r, 1)).toMatch(/^-ERR \[SYS\/PERM\] .*STLS/);
    expect(ok(r, 2)).toMatch(/^\+OK/);
    const after = ok<Record<string, string[]>>(r, 3);
    expect(after).toHaveProperty('USER');
    expect(after.SASL).toEqual(['PLAIN']);
    expect(after).not.toHaveProperty('STLS');
    expect(after.IMPLEMENTATION).toEqual(['govmail']);
    expect(ok(r, 5)).toMatch(/^\+OK/);
    const [count, octets] = ok<[number, number]>(r, 6);
    const inbox = await gm.inbox(address);
    expect(count).toBe(1);
    expect(octets).toBe(Number(inbox[0]!.size));
  });

  it("Foxmail's leave-a-copy flow: RETR all + QUIT keeps every message and marks it \\Seen; UIDLs stay; DELE + QUIT removes exactly those", async () => {
    const address = await newPerson();
    const raws = [message('一号通知', ['正文一']), dottedMessage(), gbkMessage(), message('四号', ['正文四'])];
    for (const raw of raws) await deliver(address, raw);
    const rows = await gm.inbox(address);
    expect(rows.map((r) => r.seen)).toEqual([0, 0, 0, 0]);

    // Session 1: what Foxmail does on each poll with "leave a copy on server".
    const first = await runPoplib(secure.port, 'implicit', [...login(address), ['stat'], ['list'], ['uidl'], ['retr', 1], ['retr', 2], ['retr', 3], ['retr', 4], ['quit']]);
    expect(ok<number[]>(first, 2)).toEqual([4, raws.reduce((s, r) => s + r.length, 0)]);
    expect(ok<string[]>(first, 3)).toEqual(raws.map((r, i) => `${i + 1} ${r.length}`));
    const uidls = ok<string[]>(first, 4);
    expect(uidls).toHaveLength(4);
    const mailbox = await gm.services.mail.getMailbox(gm.people.get(address)!.id, 'INBOX');
    expect(uidls).toEqual(rows.map((r, i) => `${i + 1} ${mailbox.uid_validity}.${r.uid}`));
    raws.forEach((raw, i) => {
      const got = retrBytes(first, 5 + i);
      expect(got.bytes.equals(raw), `message ${i + 1} byte-exact`).toBe(true);
      expect(got.octets).toBe(raw.length);
      expect(got.resp).toBe(`+OK ${raw.length} octets`);
    });
    expect(ok(first, 9)).toMatch(/^\+OK/);

    const afterFirst = await gm.inbox(address);
    expect(afterFirst.map((r) => r.uid)).toEqual(rows.map((r) => r.uid));
    expect(afterFirst.map((r) => r.seen)).toEqual([1, 1, 1, 1]);
    expect(afterFirst.map((r) => r.deleted)).toEqual([0, 0, 0, 0]);

    // Session 2: same UIDLs; a new message is added at the end with a new one.
    await deliver(address, message('五号', ['正文五']));
    const second = await runPoplib(secure.port, 'implicit', [...login(address), ['uidl'], ['dele', 2], ['dele', 4], ['stat'], ['quit']]);
    const uidls2 = ok<string[]>(second, 2);
    expect(uidls2.slice(0, 4)).toEqual(uidls);
    expect(uidls2).toHaveLength(5);
    expect(ok<number[]>(second, 5)[0]).toBe(3);
    expect(ok(second, 6)).toMatch(/^\+OK .*2 messages deleted/);

    // Exactly messages 2 and 4 are gone, through the mail domain (quota given back too).
    const afterSecond = await gm.inbox(address);
    expect(afterSecond.map((r) => r.uid)).toEqual([rows[0]!.uid, rows[2]!.uid, afterSecond[2]!.uid]);
    const quota = await gm.services.mail.quota(gm.people.get(address)!.id);
    expect(quota.usedBytes).toBe(afterSecond.reduce((s, r) => s + Number(r.size), 0));

    // Session 3: the survivors keep their UIDLs, renumbered 1..3.
    const third = await runPoplib(plain.port, 'none', [['stls'], ...login(address), ['uidl'], ['quit']]);
    expect(ok<string[]>(third, 3).map((l) => l.split(' ')[1])).toEqual([uidls2[0], uidls2[2], uidls2[4]].map((l) => l!.split(' ')[1]));
  });

  it('RETR puts byte-stuffed lines and ".\\r\\n" on the wire; a GBK message comes back byte for byte', async () => {
    const address = await newPerson();
    const dotted = dottedMessage();
    const gbk = gbkMessage();
    await deliver(address, dotted);
    await deliver(address, gbk);
    const wire = await loginRaw(address);
    expect(await wire.command('RETR 1')).toBe(`+OK ${dotted.length} octets`);
    expect((await wire.readMultilineBody()).equals(stuffed(dotted))).toBe(true);
    expect(await wire.command('RETR 2')).toBe(`+OK ${gbk.length} octets`);
    expect((await wire.readMultilineBody()).equals(stuffed(gbk))).toBe(true);
    expect(await wire.command('QUIT')).toMatch(/^\+OK/);
    wire.close();
  });

  it('TOP gives the header, the blank line and n body lines, and does not mark \\Seen', async () => {
    const address = await newPerson();
    const raw = message('top', ['line 1', '.line 2', 'line 3', 'line 4']);
    await deliver(address, raw);
    const r = await runPoplib(secure.port, 'implicit', [...login(address), ['top', 1, 0], ['top', 1, 2], ['top', 1, 99], ['quit']]);
    const header = raw.subarray(0, raw.indexOf('\r\n\r\n') + 4);
    expect(retrBytes(r, 2).bytes.equals(header)).toBe(true);
    expect(retrBytes(r, 3).bytes.toString('utf8')).toBe(`${header.toString('utf8')}line 1\r\n.line 2\r\n`);
    expect(retrBytes(r, 4).bytes.equals(raw)).toBe(true);
    expect((await gm.inbox(address))[0]!.seen).toBe(0);
  });

  it('streams a large message intact (4 MiB, from the blob store)', async () => {
    const address = await newPerson();
    const line = '海宁市人民政府办公室关于印发年度工作要点的通知，请各单位认真贯彻落实。'.repeat(8);
    const body: string[] = [];
    for (let i = 0, bytes = 0; bytes < 4 * 1024 * 1024; i++) {
      body.push(i % 50 === 0 ? `.${i}${line}` : `${i}${line}`);
      bytes += Buffer.byteLength(body[i]!) + 2;
    }
    const raw = message('large', body);
    await deliver(address, raw);
    const r = await runPoplib(secure.port, 'implicit', [...login(address), ['retr', 1], ['quit']]);
    const got = retrBytes(r, 2);
    expect(got.octets).toBe(raw.length);
    expect(got.bytes.equals(raw)).toBe(true);
  });

  it('RETR reads the blob only as fast as the client takes it (backpressure)', async () => {
    const address = await newPerson();
    const line = 'x'.repeat(998);
    const raw = message('huge', Array.from({ length: 24 * 1024 }, () => line)); // ~24 MiB
    await deliver(address, raw);
    // Watch the blob stream the server opens (test-only wrapper around the real BlobStore).
    const blobs = gm.services.blobs;
    const original = blobs.stream;
    const opened: ReturnType<typeof original>[] = [];
    blobs.stream = (hash, range) => {
      const s = original.call(blobs, hash, range);
      opened.push(s);
      return s;
    };
    try {
      const wire = await loginRaw(address);
      wire.pause();
      wire.send('RETR 1\r\n');
      await new Promise((r) => setTimeout(r, 1500));
      expect(opened).toHaveLength(1);
      // Socket buffers on loopback hold a few MiB; the rest must still be on disk.
      expect(opened[0]!.bytesRead).toBeLessThan(raw.length / 2);
      wire.resume();
      expect(await wire.readLine()).toBe(`+OK ${raw.length} octets`);
      expect((await wire.readMultilineBody()).equals(stuffed(raw))).toBe(true);
      expect(await wire.command('QUIT')).toMatch(/^\+OK/);
      wire.close();
    } finally {
      blobs.stream = original;
    }
  });

  it('a wrong password gives -ERR [AUTH]; a suspended, not-activated or locked account gets the reason from AuthService', async () => {
    const address = await newPerson();
    const wrong = await runPoplib(secure.port, 'implicit', [['user', address], ['pass', 'Wrong#Password1'], ['user', 'nobody@haining.gov.cn'], ['pass', SEED_PASSWORD]]);
    expect(err(wrong, 1)).toMatch(/^-ERR \[AUTH\] .*invalid user name or password/);
    expect(err(wrong, 3)).toMatch(/^-ERR \[AUTH\] .*invalid user name or password/);

    const suspended = await newPerson();
    await gm.services.directory.disableAccount(suspended, 'test', SYSTEM_ACTOR);
    const pending = `pending${personCounter}@haining.gov.cn`;
    await gm.services.directory.createAccount({ address: pending, displayName: '待激活', unitCode: 'hn', password: SEED_PASSWORD, state: 'pending_activation' }, SYSTEM_ACTOR);
    const locked = await newPerson();
    await gm.services.db.updateTable('accounts').set({ locked_until: Date.now() + 3_600_000 }).where('address', '=', locked).execute();

    const r = await runPoplib(secure.port, 'implicit', [...login(suspended), ...login(pending), ...login(locked)]);
    expect(err(r, 1)).toMatch(/^-ERR \[AUTH\] 账号已停用.*account disabled/);
    expect(err(r, 3)).toMatch(/^-ERR \[AUTH\] 账号尚未激活.*not activated/);
    expect(err(r, 5)).toMatch(/^-ERR \[AUTH\] .*temporarily locked/);

    // AuthService audits each attempt with protocol and the client's IP.
    const audit = await gm.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login').where('actor', '=', suspended).execute();
    expect(audit.at(-1)).toMatchObject({ protocol: 'pop3', ip: '127.0.0.1', outcome: 'failure' });
  });

  it('only one POP3 session per mailbox (RFC 1939 §8): the second gets -ERR [IN-USE] until the first quits', async () => {
    const address = await newPerson();
    const holder = await loginRaw(address);
    const r = await runPoplib(plain.port, 'none', [['stls'], ...login(address)]);
    expect(err(r, 2)).toMatch(/^-ERR \[IN-USE\]/);
    expect(await holder.command('QUIT')).toMatch(/^\+OK/);
    await holder.waitClosed();
    const again = await runPoplib(secure.port, 'implicit', [...login(address), ['quit']]);
    expect(ok(again, 1)).toMatch(/^\+OK/);
  });

  it('RSET unmarks, and a connection that ends without QUIT deletes nothing (RFC 1939 §6)', async () => {
    const address = await newPerson();
    await deliver(address, message('a', ['a']));
    await deliver(address, message('b', ['b']));
    const r = await runPoplib(secure.port, 'implicit', [...login(address), ['dele', 1], ['dele', 1], ['list'], ['rset'], ['list'], ['dele', 2], ['quit']]);
    expect(err(r, 3)).toMatch(/^-ERR/);
    expect(ok<string[]>(r, 4)).toHaveLength(1);
    expect(ok<string[]>(r, 6)).toHaveLength(2);
    expect(await gm.inbox(address)).toHaveLength(1);

    const wire = await loginRaw(address);
    expect(await wire.command('DELE 1')).toMatch(/^\+OK/);
    wire.close();
    // The lock is released on close, and nothing was removed.
    await expect.poll(async () => (await runPoplib(secure.port, 'implicit', [...login(address), ['stat'], ['quit']])).steps[2]).toEqual({ ok: [1, expect.any(Number)] });
    expect(await gm.inbox(address)).toHaveLength(1);
  });

  it('QUIT expunges only what this session deleted, not messages another client flagged \\Deleted', async () => {
    const address = await newPerson();
    for (const s of ['x', 'y', 'z']) await deliver(address, message(s, [s]));
    const rows = await gm.inbox(address);
    const accountId = gm.people.get(address)!.id;
    // An IMAP client (or the webmail) flagged message 3 \Deleted but has not expunged it.
    await gm.services.mail.storeFlags({ accountId, mailboxId: rows[0]!.mailbox_id, uids: [{ start: rows[2]!.uid, end: rows[2]!.uid }], flags: ['\\Deleted'], mode: 'add' });
    const r = await runPoplib(secure.port, 'implicit', [...login(address), ['dele', 1], ['quit']]);
    expect(ok(r, 3)).toMatch(/1 messages deleted/);
    const after = await gm.inbox(address);
    expect(after.map((m) => m.uid)).toEqual([rows[1]!.uid, rows[2]!.uid]);
    expect(after[1]!.deleted).toBe(1);
  });

  it('a message removed by another client during the session gives -ERR on RETR; the session goes on', async () => {
    const address = await newPerson();
    await deliver(address, message('gone', ['gone']));
    await deliver(address, message('stays', ['stays']));
    const rows = await gm.inbox(address);
    const accountId = gm.people.get(address)!.id;
    const wire = await loginRaw(address);
    const uid = rows[0]!.uid;
    await gm.services.mail.storeFlags({ accountId, mailboxId: rows[0]!.mailbox_id, uids: [{ start: uid, end: uid }], flags: ['\\Deleted'], mode: 'add' });
    await gm.services.mail.expunge(accountId, rows[0]!.mailbox_id, [{ start: uid, end: uid }]);
    expect(await wire.command('RETR 1')).toMatch(/^-ERR .*removed/);
    expect(await wire.command('RETR 2')).toMatch(/^\+OK/);
    await wire.readMultilineBody();
    // DELE of the vanished message is harmless at QUIT.
    expect(await wire.command('DELE 1')).toMatch(/^\+OK/);
    expect(await wire.command('QUIT')).toMatch(/^\+OK .*0 messages deleted/);
    expect((await gm.inbox(address)).map((m) => m.uid)).toEqual([rows[1]!.uid]);
  });
});

describe('POP3 over a raw socket', () => {
  it('AUTH PLAIN with an initial response, with a continuation, and cancelled with "*" (RFC 5034)', async () => {
    const address = await newPerson();
    const plainResponse = Buffer.from(`\0${address}\0${SEED_PASSWORD}`).toString('base64');

    const a = await Pop3Wire.connect(secure.port, { implicitTls: true });
    await a.readLine();
    expect(await a.multiline('AUTH')).toEqual({ first: expect.stringMatching(/^\+OK/), lines: ['PLAIN'] });
    expect(await a.command('AUTH PLAIN')).toBe('+ ');
    expect(await a.command('*')).toMatch(/^-ERR/);
    expect(await a.command('AUTH PLAIN')).toBe('+ ');
    expect(await a.command('not base64!')).toMatch(/^-ERR/);
    expect(await a.command('AUTH CRAM-MD5')).toMatch(/^-ERR/);
    expect(await a.command(`AUTH PLAIN ${Buffer.from(`\0${address}\0wrong`).toString('base64')}`)).toMatch(/^-ERR \[AUTH\]/);
    expect(await a.command('AUTH PLAIN')).toBe('+ ');
    expect(await a.command(plainResponse)).toMatch(/^\+OK/);
    expect(await a.command('STAT')).toMatch(/^\+OK 0 0$/);
    expect(await a.command('QUIT')).toMatch(/^\+OK/);
    a.close();

    const b = await Pop3Wire.connect(plain.port);
    await b.readLine();
    expect(await b.command(`AUTH PLAIN ${plainResponse}`)).toMatch(/^-ERR \[SYS\/PERM\]/);
    await b.stls();
    expect(await b.command(`AUTH PLAIN ${Buffer.from(`${address}\0${address}\0${SEED_PASSWORD}`).toString('base64')}`)).toMatch(/^\+OK/);
    expect(await b.command('QUIT')).toMatch(/^\+OK/);
    b.close();
  });

  it('hostile input gets -ERR each time and the server stays up', async () => {
    const address = await newPerson();
    const wire = await Pop3Wire.connect(plain.port);
    expect(await wire.readLine()).toMatch(/^\+OK/);
    expect(await wire.command('A'.repeat(5000))).toBe('-ERR Line too long');
    expect(await wire.command('XYZZY')).toBe('-ERR Unknown command');
    expect(await wire.command('')).toBe('-ERR Unknown command');
    expect(await wire.command('STAT')).toMatch(/^-ERR STAT is not allowed in the AUTHORIZATION state/);
    expect(await wire.command('RETR 1')).toMatch(/^-ERR/);
    expect(await wire.command('AUTH PLAIN AGFAYg==')).toMatch(/^-ERR \[SYS\/PERM\]/);
    expect(await wire.command('PASS secret')).toMatch(/^-ERR \[SYS\/PERM\]/);
    wire.send(Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x80, 0x0d, 0x0a]));
    expect(await wire.readLine()).toBe('-ERR Unknown command');
    wire.send(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0a]));
    expect(await wire.readLine()).toMatch(/^-ERR/);
    expect(await wire.command('CAPA')).toMatch(/^\+OK/);
    await wire.readMultilineBody();
    expect(await wire.stls()).toMatch(/^\+OK/);
    expect(await wire.command('STLS')).toMatch(/^-ERR/);
    expect(await wire.command(`USER ${address}`)).toMatch(/^\+OK/);
    expect(await wire.command(`PASS ${SEED_PASSWORD}`)).toMatch(/^\+OK/);
    expect(await wire.command('USER again')).toMatch(/^-ERR USER is not allowed in the TRANSACTION state/);
    expect(await wire.command('RETR 0')).toMatch(/^-ERR No such message/);
    expect(await wire.command('RETR 99999999999999999999')).toMatch(/^-ERR Syntax/);
    expect(await wire.command('RETR -1')).toMatch(/^-ERR Syntax/);
    expect(await wire.command('TOP 1')).toMatch(/^-ERR Syntax/);
    expect(await wire.command('LIST 1 2')).toMatch(/^-ERR Syntax/);
    expect(await wire.command('NOOP')).toBe('+OK');
    expect(await wire.command('QUIT')).toMatch(/^\+OK/);
    wire.close();

    const fresh = await Pop3Wire.connect(plain.port);
    expect(await fresh.readLine()).toMatch(/^\+OK/);
    fresh.close();

    // Plain text and garbage on the implicit-TLS port: the handshake fails, the socket closes.
    for (const junk of ['USER x\r\n', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00]), Buffer.alloc(4096, 0xff)]) {
      const tcp = await Pop3Wire.connect(secure.port);
      tcp.send(junk);
      await tcp.waitClosed();
    }
    const r = await runPoplib(secure.port, 'implicit', [...login(address), ['quit']]);
    expect(ok(r, 1)).toMatch(/^\+OK/);
  });

  it('too many bad commands close the connection', async () => {
    const wire = await Pop3Wire.connect(plain.port);
    await wire.readLine();
    wire.send('BAD\r\n'.repeat(25));
    const lines: string[] = [];
    for (let i = 0; i < 21; i++) lines.push(await wire.readLine());
    expect(lines.slice(0, 20).every((l) => l === '-ERR Unknown command')).toBe(true);
    expect(lines[20]).toMatch(/Too many bad commands/);
    await wire.waitClosed();
  });

  it('commands pipelined in clear after STLS are discarded, not run over TLS (RFC 2595 §4)', async () => {
    const address = await newPerson();
    const wire = await Pop3Wire.connect(plain.port);
    await wire.readLine();
    wire.send(`STLS\r\nUSER ${address}\r\nPASS ${SEED_PASSWORD}\r\n`);
    expect(await wire.readLine()).toMatch(/^\+OK Begin TLS/);
    await wire.upgrade();
    // Had the pipelined USER/PASS survived, we would be logged in now.
    expect(await wire.command('STAT')).toMatch(/^-ERR STAT is not allowed in the AUTHORIZATION state/);
    expect(await wire.command('PASS x')).toMatch(/^-ERR Send USER first/);
    wire.close();
  });

  it('answers pipelined commands in order (RFC 2449 PIPELINING)', async () => {
    const address = await newPerson();
    const raw = message('p', ['.x', 'y']);
    await deliver(address, raw);
    const wire = await Pop3Wire.connect(secure.port, { implicitTls: true });
    await wire.readLine();
    wire.send(`USER ${address}\r\nPASS ${SEED_PASSWORD}\r\nSTAT\r\nRETR 1\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n`);
    expect(await wire.readLine()).toMatch(/^\+OK/);
    expect(await wire.readLine()).toMatch(/^\+OK Logged in, 1 messages/);
    expect(await wire.readLine()).toBe(`+OK 1 ${raw.length}`);
    expect(await wire.readLine()).toBe(`+OK ${raw.length} octets`);
    expect((await wire.readMultilineBody()).equals(stuffed(raw))).toBe(true);
    expect(await wire.readLine()).toMatch(/^\+OK 1 \d+\.\d+$/);
    expect(await wire.readLine()).toBe('+OK');
    expect(await wire.readLine()).toMatch(/^\+OK .*signing off/);
    await wire.waitClosed();
    expect((await gm.inbox(address))[0]!.seen).toBe(1);
  });

  it('the autologout timer closes an idle session without UPDATE and frees the mailbox (RFC 1939 §3)', async () => {
    const address = await newPerson();
    await deliver(address, message('idle', ['idle']));
    const quick = await listenPop3(gm.services, gm.running.tls, { host: '127.0.0.1', port: 0 }, { implicitTls: true, limits: { idleTimeoutMs: 300 } });
    try {
      const wire = await Pop3Wire.connect(quick.port, { implicitTls: true });
      await wire.readLine();
      await wire.command(`USER ${address}`);
      expect(await wire.command(`PASS ${SEED_PASSWORD}`)).toMatch(/^\+OK/);
      expect(await wire.command('DELE 1')).toMatch(/^\+OK/);
      expect(await wire.readLine(5000)).toMatch(/^-ERR .*inactivity/);
      await wire.waitClosed();
      expect(await gm.inbox(address)).toHaveLength(1);
      // The lock is shared by every listener of the node, and it was released.
      const r = await runPoplib(secure.port, 'implicit', [...login(address), ['quit']]);
      expect(ok(r, 1)).toMatch(/^\+OK/);
    } finally {
      await quick.close();
    }
  });

  it('limits connections per IP, and closing a listener ends its sessions without UPDATE', async () => {
    const address = await newPerson();
    await deliver(address, message('kept', ['kept']));
    const small = await listenPop3(gm.services, gm.running.tls, { host: '127.0.0.1', port: 0 }, { implicitTls: false, limits: { maxConnectionsPerIp: 2 } });
    const first = await Pop3Wire.connect(small.port);
    expect(await first.readLine()).toMatch(/^\+OK/);
    const second = await Pop3Wire.connect(small.port);
    expect(await second.readLine()).toMatch(/^\+OK/);
    const third = await Pop3Wire.connect(small.port);
    expect(await third.readLine()).toMatch(/^-ERR \[SYS\/TEMP\] Too many connections/);
    await third.waitClosed();
    second.close();
    await expect
      .poll(async () => {
        const w = await Pop3Wire.connect(small.port);
        const greeting = await w.readLine().catch(() => 'closed');
        w.close();
        return greeting;
      })
      .toMatch(/^\+OK/);

    await first.stls();
    await first.command(`USER ${address}`);
    expect(await first.command(`PASS ${SEED_PASSWORD}`)).toMatch(/^\+OK/);
    expect(await first.command('DELE 1')).toMatch(/^\+OK/);
    await small.close();
    expect(await first.readLine()).toMatch(/^-ERR \[SYS\/TEMP\] Server shutting down/);
    await first.waitClosed();
    expect(await gm.inbox(address)).toHaveLength(1);
  });

  it('closes the connection after repeated failed logins', async () => {
    const address = await newPerson();
    const wire = await Pop3Wire.connect(secure.port, { implicitTls: true });
    await wire.readLine();
    for (let i = 0; i < 3; i++) {
      await wire.command(`USER ${address}`);
      expect(await wire.command('PASS Wrong#Password1')).toMatch(/^-ERR \[AUTH\]/);
    }
    await wire.waitClosed();
    // Reset the failure counter so the account is not left locked for later runs.
    await gm.services.db.deleteFrom('auth_failures').execute();
  });
});
