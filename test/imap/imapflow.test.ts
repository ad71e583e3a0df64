/**
 * Our IMAP server driven by imapflow, a real and widely used client, over real sockets:
 * implicit TLS (RFC 8314) and STARTTLS (RFC 3501 §6.2.1), LIST/STATUS/CREATE with Chinese names
 * (modified UTF-7, RFC 3501 §5.1.3), APPEND with APPENDUID and COPY with COPYUID (RFC 4315),
 * FETCH, STORE, MOVE (RFC 6851), EXPUNGE, SEARCH (including a Chinese BODY search through the
 * full-text index), QUOTA (RFC 9208), and IDLE (RFC 2177) woken by SMTP delivery and by a second
 * session's flag change and expunge.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow, type AppendResponseObject, type FetchMessageObject, type StatusObject } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../fixtures/imap-structure/corpus-fixtures.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322 } from '../helpers/temp-services.js';

let gm: TestGovmail;
const open: ImapFlow[] = [];

beforeAll(async () => {
  gm = await startTestGovmail({
    people: [
      { address: 'zhangwei@haining.gov.cn', displayName: '张伟' },
      { address: 'lina@haining.gov.cn', displayName: '李娜' },
      { address: 'wangfang@haining.gov.cn', displayName: '王芳' },
      { address: 'zhaolei@haining.gov.cn', displayName: '赵磊' },
    ],
  });
});

afterAll(async () => {
  for (const client of open) await client.logout().catch(() => client.close());
  await gm?.stop();
});

async function connect(user: string, mode: 'implicit' | 'starttls' = 'implicit'): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: mode === 'implicit' ? gm.ports.imaps! : gm.ports.imap!,
    secure: mode === 'implicit',
    doSTARTTLS: mode === 'starttls' ? true : undefined,
    // The test server's certificate is the self-signed one generated into its data directory.
    tls: { rejectUnauthorized: false },
    auth: { user, pass: SEED_PASSWORD },
    logger: false,
    // IDLE is started by the tests that want it.
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  open.push(client);
  return client;
}

/** Waits for the first event `name` whose payload satisfies `accept`, or fails after `ms`. */
function nextEvent<T>(client: ImapFlow, name: string, ms: number, accept: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(name, on);
      reject(new Error(`no '${name}' event within ${ms} ms`));
    }, ms);
    const on = (payload: T) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      client.off(name, on);
      resolve(payload);
    };
    client.on(name, on);
  });
}

async function fetchAll(client: ImapFlow, range: string, query: Parameters<ImapFlow['fetch']>[1], options?: Parameters<ImapFlow['fetch']>[2]): Promise<FetchMessageObject[]> {
  const out: FetchMessageObject[] = [];
  for await (const message of client.fetch(range, query, options)) out.push(message);
  return out;
}

/** STATUS (RFC 3501 §6.3.10); imapflow answers `false` when the command failed. */
async function statusOf(client: ImapFlow, mailbox: string, query: Parameters<ImapFlow['status']>[1]): Promise<StatusObject> {
  const status = await client.status(mailbox, query);
  if (!status) throw new Error(`STATUS ${mailbox} failed`);
  return status;
}

/** APPEND (RFC 3501 §6.3.11); the result carries APPENDUID's UIDVALIDITY and UID (RFC 4315 §3). */
async function appendTo(client: ImapFlow, mailbox: string, raw: Buffer, flags?: string[], date?: Date): Promise<AppendResponseObject & { uid: number; uidValidity: bigint }> {
  const result = await client.append(mailbox, raw, flags, date);
  if (!result || result.uid === undefined || result.uidValidity === undefined) throw new Error(`APPEND to ${mailbox} gave no APPENDUID`);
  return result as AppendResponseObject & { uid: number; uidValidity: bigint };
}

async function downloadAll(client: ImapFlow, uid: string, part: string | undefined): Promise<{ filename: string | undefined; bytes: Buffer }> {
  const download = await client.download(uid, part, { uid: true });
  if (!download.content) throw new Error(`message ${uid} part ${part ?? '(all)'} not found`);
  const chunks: Buffer[] = [];
  for await (const chunk of download.content) chunks.push(chunk as Buffer);
  return { filename: download.meta?.filename, bytes: Buffer.concat(chunks) };
}

const MEETING = rfc5322({
  from: '"=?UTF-8?B?5byg5Lyf?=" <zhangwei@haining.gov.cn>',
  to: 'lina@haining.gov.cn',
  subject: '=?UTF-8?B?5YWz5LqO5Y+s5byA6Ziy5rGb5bel5L2c5Lya6K6u55qE6YCa55+l?=',
  body: '定于明天上午九点在海宁市政府召开防汛工作会议，请准时参加。',
  messageId: 'meeting-1@haining.gov.cn',
});

describe('connecting (RFC 8314 implicit TLS, RFC 3501 §6.2.1 STARTTLS)', () => {
  it('logs in over implicit TLS and reports the RFC 3501 capabilities', async () => {
    const client = await connect('zhangwei@haining.gov.cn', 'implicit');
    expect(client.secureConnection).toBe(true);
    for (const cap of ['IMAP4rev1', 'IDLE', 'UIDPLUS', 'MOVE', 'CONDSTORE', 'QUOTA', 'SPECIAL-USE']) expect(client.capabilities.has(cap), cap).toBe(true);
    await client.logout();
  });

  it('logs in after STARTTLS on the plain port', async () => {
    const client = await connect('zhangwei@haining.gov.cn', 'starttls');
    expect(client.secureConnection).toBe(true);
    expect(client.capabilities.has('STARTTLS')).toBe(false);
    const inbox = await statusOf(client, 'INBOX', { messages: true });
    expect(inbox.path).toBe('INBOX');
    await client.logout();
  });

  it('refuses a wrong password with NO [AUTHENTICATIONFAILED] (RFC 5530)', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: 'zhangwei@haining.gov.cn', pass: 'wrong' }, logger: false });
    client.on('error', () => undefined);
    const err = (await client.connect().then(
      () => null,
      (e: unknown) => e,
    )) as { authenticationFailed?: boolean; serverResponseCode?: string } | null;
    expect(err?.authenticationFailed).toBe(true);
    expect(err?.serverResponseCode).toBe('AUTHENTICATIONFAILED');
    client.close();
  });
});

describe('mailboxes (RFC 3501 §6.3, RFC 6154 SPECIAL-USE, RFC 3501 §5.1.3 modified UTF-7)', () => {
  it('LIST shows INBOX and the special-use folders with their attributes', async () => {
    const client = await connect('zhangwei@haining.gov.cn');
    const list = await client.list();
    const byPath = new Map(list.map((m) => [m.path, m]));
    expect(list[0]?.path).toBe('INBOX');
    expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
    expect(byPath.get('Drafts')?.specialUse).toBe('\\Drafts');
    expect(byPath.get('Trash')?.specialUse).toBe('\\Trash');
    expect(byPath.get('Junk')?.specialUse).toBe('\\Junk');
    expect(list.every((m) => m.delimiter === '/')).toBe(true);
  });

  it('CREATE 收文/2026年 round-trips through modified UTF-7, with its parent', async () => {
    const client = await connect('zhangwei@haining.gov.cn');
    const created = await client.mailboxCreate('收文/2026年');
    expect(created.path).toBe('收文/2026年');
    const list = await client.list();
    const names = list.map((m) => m.path);
    expect(names).toContain('收文/2026年');
    expect(names).toContain('收文');
    const parent = list.find((m) => m.path === '收文')!;
    expect(parent.flags.has('\\HasChildren')).toBe(true);
    const child = list.find((m) => m.path === '收文/2026年')!;
    expect(child.name).toBe('2026年');
    const status = await statusOf(client, '收文/2026年', { messages: true, uidNext: true, uidValidity: true, unseen: true });
    expect(status).toMatchObject({ path: '收文/2026年', messages: 0, uidNext: 1, unseen: 0 });
    expect(typeof status.uidValidity).toBe('bigint');
    // RFC 3501 §6.3.3: creating an existing mailbox is an error.
    await expect(client.mailboxCreate('收文/2026年')).resolves.toMatchObject({ created: false });
  });

  it('RENAME and DELETE a Chinese-named mailbox', async () => {
    const client = await connect('zhangwei@haining.gov.cn');
    await client.mailboxCreate('临时/草稿箱');
    await client.mailboxRename('临时/草稿箱', '临时/已办');
    const names = (await client.list()).map((m) => m.path);
    expect(names).toContain('临时/已办');
    expect(names).not.toContain('临时/草稿箱');
    await client.mailboxDelete('临时/已办');
    expect((await client.list()).map((m) => m.path)).not.toContain('临时/已办');
  });
});

describe('messages (RFC 3501 §6.3.11 APPEND, §6.4.5 FETCH, §6.4.6 STORE, §6.4.7 COPY, RFC 4315, RFC 6851)', () => {
  let client: ImapFlow;
  let uidValidity: bigint;
  let firstUid: number;

  beforeAll(async () => {
    client = await connect('zhangwei@haining.gov.cn');
    await client.mailboxCreate('收文/2026年').catch(() => undefined);
  });

  it('APPEND answers APPENDUID with the mailbox UIDVALIDITY and the new UID (RFC 4315 §3)', async () => {
    const status = await statusOf(client, '收文/2026年', { uidValidity: true, uidNext: true });
    const appended = await appendTo(client, '收文/2026年', MEETING, ['\\Flagged'], new Date('2026-03-04T05:48:05Z'));
    expect(appended).toBeTruthy();
    expect(appended.destination).toBe('收文/2026年');
    expect(appended.uidValidity).toBe(status.uidValidity);
    expect(appended.uid).toBe(status.uidNext);
    uidValidity = appended.uidValidity!;
    firstUid = appended.uid!;
    const second = await appendTo(client, '收文/2026年', rfc5322({ subject: 'Weekly report', body: 'Nothing to report.', messageId: 'weekly@haining.gov.cn' }));
    expect(second.uid).toBe(firstUid + 1);
  });

  it('FETCH returns ENVELOPE, BODYSTRUCTURE, source, FLAGS, UID, INTERNALDATE and RFC822.SIZE', async () => {
    const lock = await client.getMailboxLock('收文/2026年');
    try {
      expect(client.mailbox && client.mailbox.uidValidity).toBe(uidValidity);
      const [message] = await fetchAll(client, String(firstUid), { envelope: true, bodyStructure: true, source: true, flags: true, uid: true, internalDate: true, size: true }, { uid: true });
      expect(message).toBeDefined();
      expect(message!.uid).toBe(firstUid);
      expect(message!.size).toBe(MEETING.length);
      expect(message!.source?.equals(MEETING)).toBe(true);
      expect([...message!.flags!]).toContain('\\Flagged');
      expect(new Date(message!.internalDate!).toISOString()).toBe('2026-03-04T05:48:05.000Z');
      expect(message!.envelope?.subject).toBe('关于召开防汛工作会议的通知');
      expect(message!.envelope?.from?.[0]).toMatchObject({ name: '张伟', address: 'zhangwei@haining.gov.cn' });
      expect(message!.envelope?.to?.[0]?.address).toBe('lina@haining.gov.cn');
      expect(message!.envelope?.messageId).toBe('<meeting-1@haining.gov.cn>');
      expect(new Date(message!.envelope!.date!).toISOString()).toBe('2025-03-04T05:48:05.000Z');
      expect(message!.bodyStructure).toMatchObject({ type: 'text/plain', parameters: { charset: 'utf-8' }, encoding: '8bit' });
      // BODY[TEXT] and BODY[HEADER.FIELDS (SUBJECT)] (RFC 3501 §6.4.5).
      const [partial] = await fetchAll(client, String(firstUid), { bodyParts: ['TEXT'], headers: ['subject'] }, { uid: true });
      expect(partial!.bodyParts?.get('text')?.toString('utf8')).toContain('防汛工作会议');
      expect(partial!.headers?.toString('utf8')).toMatch(/^Subject: =\?UTF-8\?B\?/);
    } finally {
      lock.release();
    }
  });

  it('STORE +FLAGS, -FLAGS and FLAGS (messageFlagsAdd/Remove/Set)', async () => {
    const lock = await client.getMailboxLock('收文/2026年');
    try {
      // This session was the first to see the message, so it is also \Recent (RFC 3501 §2.3.2).
      const flagsOf = async () => [...((await fetchAll(client, String(firstUid), { flags: true }, { uid: true }))[0]?.flags ?? [])].filter((f) => f !== '\\Recent').sort();
      expect(await client.messageFlagsAdd(String(firstUid), ['\\Seen', '$Important'], { uid: true })).toBe(true);
      expect(await flagsOf()).toEqual(['$Important', '\\Flagged', '\\Seen']);
      expect(await client.messageFlagsRemove(String(firstUid), ['\\Flagged'], { uid: true })).toBe(true);
      expect(await flagsOf()).toEqual(['$Important', '\\Seen']);
      expect(await client.messageFlagsSet(String(firstUid), ['\\Answered'], { uid: true })).toBe(true);
      expect(await flagsOf()).toEqual(['\\Answered']);
    } finally {
      lock.release();
    }
  });

  it('COPY answers COPYUID with the source and target UIDs (RFC 4315 §3)', async () => {
    await client.mailboxCreate('归档').catch(() => undefined);
    const lock = await client.getMailboxLock('收文/2026年');
    try {
      const result = await client.messageCopy('1:*', '归档');
      expect(result).toBeTruthy();
      const target = await statusOf(client, '归档', { uidValidity: true, messages: true });
      expect(result && result.uidValidity).toBe(target.uidValidity);
      expect(target.messages).toBe(2);
      expect([...(result && result.uidMap ? result.uidMap.keys() : [])]).toEqual([firstUid, firstUid + 1]);
      // The source keeps its messages.
      expect(client.mailbox && client.mailbox.exists).toBe(2);
    } finally {
      lock.release();
    }
  });

  it('MOVE takes the messages out of the source (RFC 6851 §3.1) and gives their new UIDs', async () => {
    await client.mailboxCreate('已办').catch(() => undefined);
    const lock = await client.getMailboxLock('归档');
    try {
      const before = await fetchAll(client, '1:*', { uid: true });
      const result = await client.messageMove(String(before[0]!.uid), '已办', { uid: true });
      expect(result).toBeTruthy();
      expect(result && result.uidMap?.get(before[0]!.uid)).toBe(1);
      expect(client.mailbox && client.mailbox.exists).toBe(1);
      const after = await fetchAll(client, '1:*', { uid: true });
      expect(after.map((m) => m.uid)).toEqual([before[1]!.uid]);
    } finally {
      lock.release();
    }
    const moved = await statusOf(client, '已办', { messages: true });
    expect(moved.messages).toBe(1);
  });

  it('messageDelete: \\Deleted then EXPUNGE (RFC 3501 §6.4.3) removes the message', async () => {
    const lock = await client.getMailboxLock('已办');
    try {
      expect(await client.messageDelete('1:*')).toBe(true);
      expect(client.mailbox && client.mailbox.exists).toBe(0);
    } finally {
      lock.release();
    }
    expect((await statusOf(client, '已办', { messages: true })).messages).toBe(0);
  });

  it('SEARCH by flags, SINCE, an ASCII SUBJECT and a Chinese BODY word (RFC 3501 §6.4.4)', async () => {
    const lock = await client.getMailboxLock('收文/2026年');
    try {
      // firstUid is \Answered (set above), firstUid+1 has no flags.
      expect(await client.search({ answered: true }, { uid: true })).toEqual([firstUid]);
      expect(await client.search({ seen: false }, { uid: true })).toEqual([firstUid, firstUid + 1]);
      expect(await client.search({ flagged: true }, { uid: true })).toEqual([]);
      // SINCE compares INTERNALDATE: the first was appended with 2026-03-04, the second now.
      expect(await client.search({ since: new Date('2026-03-05T00:00:00Z') }, { uid: true })).toEqual([firstUid + 1]);
      expect(await client.search({ before: new Date('2026-03-05T00:00:00Z') }, { uid: true })).toEqual([firstUid]);
      expect(await client.search({ subject: 'weekly' }, { uid: true })).toEqual([firstUid + 1]);
      // Chinese: imapflow sends CHARSET UTF-8 with the word as a literal.
      expect(await client.search({ body: '会议' }, { uid: true })).toEqual([firstUid]);
      expect(await client.search({ body: '海宁' }, { uid: true })).toEqual([firstUid]);
      expect(await client.search({ subject: '防汛' }, { uid: true })).toEqual([firstUid]);
      expect(await client.search({ from: 'zhangwei@haining.gov.cn' }, { uid: true })).toEqual([firstUid]);
      expect(await client.search({ or: [{ answered: true }, { subject: 'weekly' }] }, { uid: true })).toEqual([firstUid, firstUid + 1]);
    } finally {
      lock.release();
    }
  });

  it('GETQUOTAROOT INBOX reports the storage use and the limit (RFC 9208 §4.3)', async () => {
    const quota = await client.getQuota('INBOX');
    expect(quota).toBeTruthy();
    const storage = (quota as { storage?: { usage: number; limit: number } }).storage;
    expect(storage?.limit).toBeGreaterThan(0);
    // Usage counts every stored message (in KiB on the wire, bytes here).
    expect(storage?.usage).toBeGreaterThan(0);
  });
});

describe('RFC 3516 BINARY with imapflow', () => {
  it('APPEND of a message holding NUL bytes (corpus 078) goes through as literal8 and comes back intact', async () => {
    const client = await connect('zhangwei@haining.gov.cn');
    expect(client.capabilities.has('BINARY')).toBe(true);
    const raw = readFileSync(path.join(corpusDir(), 'messages', '078-nul-byte.eml'));
    expect(raw.includes(0)).toBe(true);
    await client.mailboxCreate('二进制').catch(() => undefined);
    const appended = await appendTo(client, '二进制', raw);
    expect(appended.uid).toBeGreaterThan(0);
    const lock = await client.getMailboxLock('二进制');
    try {
      // BINARY[] (the whole message, RFC 3516 §4.2) returns the octets exactly, NULs included.
      const [message] = await fetchAll(client, String(appended.uid), { uid: true, bodyParts: ['1'] }, { uid: true, binary: true });
      expect(message!.bodyParts?.get('1')?.includes(0)).toBe(true);
      const { bytes } = await downloadAll(client, String(appended.uid), undefined);
      expect(bytes.length).toBe(raw.length);
    } finally {
      lock.release();
    }
  });

  it('download() of a GBK-named attachment (corpus 047) gives its name and its decoded octets', async () => {
    const client = await connect('zhangwei@haining.gov.cn');
    const raw = readFileSync(path.join(corpusDir(), 'messages', '047-mixed-gbk-txt-rfc2047-gbk.eml'));
    const expected = (await simpleParser(raw)).attachments[0]!;
    const appended = await appendTo(client, '二进制', raw);
    const lock = await client.getMailboxLock('二进制');
    try {
      const { filename, bytes } = await downloadAll(client, String(appended.uid), '2');
      expect(filename).toBe('观潮节筹备会议纪要.txt');
      expect(bytes.equals(expected.content)).toBe(true);
    } finally {
      lock.release();
    }
  });
});

describe('updates between sessions (RFC 2177 IDLE, RFC 3501 §7.3.1 EXISTS, §7.4.1 EXPUNGE, §7.4.2 FETCH)', () => {
  it('IDLE is woken by an SMTP delivery from a second client within a second', async () => {
    const a = await connect('lina@haining.gov.cn');
    await a.mailboxOpen('INBOX');
    const before = a.mailbox ? a.mailbox.exists : -1;
    const idling = a.idle();
    // Give the IDLE command time to reach the server before mail arrives.
    await new Promise((r) => setTimeout(r, 100));
    const exists = nextEvent<{ count: number; prevCount: number }>(a, 'exists', 1000);
    const sentAt = Date.now();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.smtp, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail({ envelope: { from: 'bangongshi@jiaxing.gov.cn', to: ['lina@haining.gov.cn'] }, raw: MEETING });
      expect(info.accepted).toEqual(['lina@haining.gov.cn']);
    } finally {
      transport.close();
    }
    const event = await exists;
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(event).toMatchObject({ count: before + 1, prevCount: before });
    await a.noop();
    await idling;
  });

  it('IDLE is woken by local delivery (services.delivery.deliver) to a mailbox in IDLE', async () => {
    const a = await connect('lina@haining.gov.cn');
    await a.mailboxOpen('INBOX');
    const before = a.mailbox ? a.mailbox.exists : -1;
    const idling = a.idle();
    await new Promise((r) => setTimeout(r, 100));
    const exists = nextEvent<{ count: number }>(a, 'exists', 1000);
    await gm.services.delivery.deliver({ envelopeFrom: 'x@example.com', recipients: ['lina@haining.gov.cn'], raw: rfc5322({ subject: 'local' }), submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
    expect((await exists).count).toBe(before + 1);
    await a.noop();
    await idling;
  });

  it("a flag change in session B reaches session A in IDLE as FETCH FLAGS ('flags' event)", async () => {
    for (let i = 0; i < 3; i++) {
      await gm.services.delivery.deliver({ envelopeFrom: 'x@example.com', recipients: ['wangfang@haining.gov.cn'], raw: rfc5322({ subject: `m${i}` }), submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
    }
    const a = await connect('wangfang@haining.gov.cn');
    const b = await connect('wangfang@haining.gov.cn');
    await a.mailboxOpen('INBOX');
    await b.mailboxOpen('INBOX');
    const uids = (await fetchAll(b, '1:*', { uid: true })).map((m) => m.uid);
    expect(uids.length).toBe(3);
    const idling = a.idle();
    await new Promise((r) => setTimeout(r, 100));
    const flags = nextEvent<{ uid?: number; seq: number; flags: Set<string> }>(a, 'flags', 1000);
    await b.messageFlagsAdd(String(uids[1]), ['\\Flagged'], { uid: true });
    const event = await flags;
    expect(event.seq).toBe(2);
    expect(event.uid).toBe(uids[1]);
    expect(event.flags.has('\\Flagged')).toBe(true);
    await a.noop();
    await idling;
  });

  it("an expunge in session B reaches session A in IDLE as EXPUNGE ('expunge' event)", async () => {
    const a = await connect('wangfang@haining.gov.cn');
    const b = await connect('wangfang@haining.gov.cn');
    await a.mailboxOpen('INBOX');
    await b.mailboxOpen('INBOX');
    const count = a.mailbox ? a.mailbox.exists : 0;
    expect(count).toBe(3);
    const idling = a.idle();
    await new Promise((r) => setTimeout(r, 100));
    const expunge = nextEvent<{ seq: number }>(a, 'expunge', 1000);
    await b.messageDelete('2');
    expect((await expunge).seq).toBe(2);
    await a.noop();
    await idling;
    expect(a.mailbox && a.mailbox.exists).toBe(2);
  });

  it('a message MOVEd by session B disappears from A and appears in the target (RFC 6851 §4.1)', async () => {
    const a = await connect('wangfang@haining.gov.cn');
    const b = await connect('wangfang@haining.gov.cn');
    await a.mailboxOpen('INBOX');
    await b.mailboxOpen('INBOX');
    const idling = a.idle();
    await new Promise((r) => setTimeout(r, 100));
    const expunge = nextEvent<{ seq: number }>(a, 'expunge', 1000);
    await b.messageMove('1', 'Archive');
    expect((await expunge).seq).toBe(1);
    await a.noop();
    await idling;
    expect((await statusOf(a, 'Archive', { messages: true })).messages).toBe(1);
  });
});

describe('a fresh account in a new session (RFC 3501 §2.3.2 \\Recent)', () => {
  it('a delivered message is \\Recent in exactly one session', async () => {
    await gm.services.delivery.deliver({ envelopeFrom: 'x@example.com', recipients: ['zhaolei@haining.gov.cn'], raw: rfc5322({ subject: 'recent' }), submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
    const a = await connect('zhaolei@haining.gov.cn');
    const opened = await a.mailboxOpen('INBOX');
    expect(opened.exists).toBe(1);
    const [first] = await fetchAll(a, '1', { flags: true });
    expect(first!.flags!.has('\\Recent')).toBe(true);
    const b = await connect('zhaolei@haining.gov.cn');
    await b.mailboxOpen('INBOX');
    const [second] = await fetchAll(b, '1', { flags: true });
    expect(second!.flags!.has('\\Recent')).toBe(false);
  });
});
