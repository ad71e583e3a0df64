/**
 * The outbound queue sender against real SMTP servers on loopback (smtp-server in the test, with
 * STARTTLS on its own self-signed certificate), a fake DNS and a manual clock (no real waiting):
 * a server that answers 451 and then accepts, one that refuses with 550 (an RFC 3464 bounce in
 * the sender's INBOX), one that never accepts (a delay notice, then expiry after 5 days), MX
 * preference and the implicit MX (RFC 5321 §5.1), two nodes draining one queue (each recipient
 * once), and the DKIM signature verified with mailauth.
 */
import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDkimKey } from '../../server/delivery/outbound/dkim.js';
import { OutboundSender, type MailDnsResolver } from '../../server/delivery/outbound/queue-sender.js';
import { ManualClock } from '../../server/platform/clock.js';
import type { Services } from '../../server/services.js';
import type { Account } from '../../server/storage/database.js';
import { createTempServices, seedPerson, type TempServices } from '../helpers/temp-services.js';

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
}

interface Sink {
  port: number;
  received: Received[];
  /** Decides the reply to each RCPT TO: undefined accepts, else [code, text]. */
  onRcpt: (address: string, attempt: number) => [number, string] | undefined;
  rcptAttempts: Map<string, number>;
  close(): Promise<void>;
}

async function startSink(onRcpt: Sink['onRcpt']): Promise<Sink> {
  const sink: Sink = { port: 0, received: [], onRcpt, rcptAttempts: new Map(), close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      const n = (sink.rcptAttempts.get(address.address) ?? 0) + 1;
      sink.rcptAttempts.set(address.address, n);
      const reply = sink.onRcpt(address.address, n);
      if (!reply) return callback();
      const err = new Error(reply[1]) as Error & { responseCode: number };
      err.responseCode = reply[0];
      return callback(err);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sink.received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks), secure: session.secure });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

const HOUR = 3600_000;
let temp: TempServices;
let services: Services;
let clock: ManualClock;
let sender: Account;
let sinks: Sink[] = [];
let dkimRecordValue = '';

const dns: MailDnsResolver & { mx: Map<string, { exchange: string; priority: number }[]>; a: Map<string, string[]> } = {
  mx: new Map(),
  a: new Map(),
  async resolveMx(domain) {
    const found = this.mx.get(domain);
    if (!found) throw Object.assign(new Error('no MX'), { code: this.a.has(domain) ? 'ENODATA' : 'ENOTFOUND' });
    return found;
  },
  async resolveAddresses(host) {
    return this.a.get(host) ?? [];
  },
};

function makeSender(port: number): OutboundSender {
  const config = { ...services.config, outbound: { ...services.config.outbound, remotePort: port } };
  return new OutboundSender({ db: services.db, mail: services.mail, delivery: services.delivery, clock, logger: services.logger, config, dkim: services.dkim, resolver: dns });
}

async function submit(recipients: string[], subject = '关于报送材料的函'): Promise<void> {
  const raw = Buffer.from(
    `From: =?UTF-8?B?${Buffer.from('张伟').toString('base64')}?= <${sender.address}>\r\nTo: ${recipients.join(', ')}\r\nSubject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=\r\nDate: Sat, 28 Nov 2026 10:00:00 +0800\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@haining.gov.cn>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n请查收。\r\n`,
  );
  const report = await services.delivery.deliver({ envelopeFrom: sender.address, recipients, raw, submittedBy: { accountId: sender.id, address: sender.address }, remoteIp: '127.0.0.1', protocol: 'smtp-submission' });
  expect(report.queuedFor).toEqual(recipients);
}

const queue = () => services.db.selectFrom('outbound_queue').selectAll().orderBy('id').execute();
const senderInbox = async () => {
  const rows = await services.db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').selectAll('messages').where('mailboxes.account_id', '=', sender.id).where('mailboxes.name', '=', 'INBOX').orderBy('messages.id').execute();
  return Promise.all(rows.map(async (r) => ({ row: r, raw: await services.blobs.get(r.blob_hash) })));
};

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 28, 2, 0, 0));
  temp = await createTempServices({ clock, overrides: { logLevel: 'error' } });
  services = temp.services;
  sender = await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
  // Sealed under the keyring when the suite runs over an encrypted store (GOVMAIL_TEST_BLOB_ENCRYPTION=1).
  const key = await generateDkimKey(services.db, clock, 'haining.gov.cn', 'gm2026', { keyring: services.blobs.keyring });
  dkimRecordValue = key.recordValue;
});

afterEach(async () => {
  for (const sink of sinks) await sink.close();
  sinks = [];
  dns.mx.clear();
  dns.a.clear();
  // every test leaves the queue finished
  await services.db.deleteFrom('outbound_queue').where('status', 'in', ['sent', 'failed', 'cancelled']).execute();
});

afterAll(async () => {
  await temp?.cleanup();
});

describe('outbound queue sender', () => {
  it('451 then accepted: retried after the backoff, delivered over STARTTLS, DKIM-signed, blob reference released', async () => {
    const sink = await startSink((_a, n) => (n === 1 ? [451, '4.3.2 Try again later'] : undefined));
    sinks.push(sink);
    dns.mx.set('remote.test', [{ exchange: 'mx.remote.test', priority: 10 }]);
    dns.a.set('mx.remote.test', ['127.0.0.1']);
    const worker = makeSender(sink.port);
    await submit(['li@remote.test']);
    const [queued] = await queue();
    const refsBefore = (await services.db.selectFrom('blobs').select('ref_count').where('hash', '=', queued!.blob_hash).executeTakeFirstOrThrow()).ref_count;

    expect(await worker.runOnce()).toEqual({ claimed: 1, sent: 0, failed: 0, deferred: 1 });
    let [row] = await queue();
    expect(row).toMatchObject({ status: 'queued', attempts: 1, next_attempt_at: clock.now() + 5 * 60_000, lease_owner: null });
    expect(row!.last_error).toContain('451');
    expect(sink.received).toHaveLength(0);

    // not due yet: nothing is claimed
    expect((await worker.runOnce()).claimed).toBe(0);
    clock.advance(5 * 60_000);
    expect(await worker.runOnce()).toEqual({ claimed: 1, sent: 1, failed: 0, deferred: 0 });
    [row] = await queue();
    expect(row).toMatchObject({ status: 'sent', attempts: 2, finished_at: clock.now() });
    expect(sink.received).toHaveLength(1);
    const got = sink.received[0]!;
    expect(got).toMatchObject({ from: sender.address, to: ['li@remote.test'], secure: true });
    // the finished row stays listed for a week; then it goes with its blob reference
    clock.advance(169 * HOUR);
    expect(await worker.purgeFinished()).toBe(1);
    const refsAfter = await services.db.selectFrom('blobs').select('ref_count').where('hash', '=', queued!.blob_hash).executeTakeFirst();
    expect(refsAfter?.ref_count ?? 0).toBe(refsBefore - 1);

    // DKIM: mailauth verifies the signature with the generated key, served by a fake resolver.
    expect(got.raw.toString('latin1')).toMatch(/^DKIM-Signature: /);
    const verified = await dkimVerify(got.raw, {
      curTime: new Date(clock.now()),
      resolver: async (name: string, type: string) => {
        if (name === 'gm2026._domainkey.haining.gov.cn' && type === 'TXT') return [[dkimRecordValue]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    expect(verified.results.map((r) => [r.signingDomain, r.selector, r.status.result])).toEqual([['haining.gov.cn', 'gm2026', 'pass']]);
  });

  it('550: failed at once, and an RFC 3464 bounce reaches the sender INBOX', async () => {
    const sink = await startSink(() => [550, '5.1.1 <nobody@refuse.test>: no such user']);
    sinks.push(sink);
    dns.mx.set('refuse.test', [{ exchange: 'mx.refuse.test', priority: 5 }]);
    dns.a.set('mx.refuse.test', ['127.0.0.1']);
    const before = (await senderInbox()).length;
    await submit(['nobody@refuse.test'], '请核对名单');
    expect(await makeSender(sink.port).runOnce()).toEqual({ claimed: 1, sent: 0, failed: 1, deferred: 0 });
    const [row] = await queue();
    expect(row!.status).toBe('failed');
    expect(row!.last_error).toContain('550');

    const inbox = await senderInbox();
    expect(inbox).toHaveLength(before + 1);
    const dsn = inbox.at(-1)!;
    const parsed = await simpleParser(dsn.raw);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.subject).toContain('退信');
    expect(parsed.text).toContain('nobody@refuse.test');
    const raw = dsn.raw.toString('latin1');
    const status = /Content-Type: message\/delivery-status[^\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(raw)![1]!;
    const [perMessage, ...perRecipient] = status.split(/\r\n\r\n/);
    expect(perMessage).toMatch(/^Reporting-MTA: dns; mail\.haining\.gov\.cn\r\nArrival-Date: .+\+0800$/);
    expect(perRecipient).toHaveLength(1);
    const fields = Object.fromEntries(perRecipient[0]!.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
    expect(fields).toMatchObject({ 'Final-Recipient': 'rfc822; nobody@refuse.test', Action: 'failed', Status: '5.1.1', 'Remote-MTA': 'dns; mx.refuse.test' });
    expect(fields['Diagnostic-Code']).toMatch(/^smtp; 550 5\.1\.1 /);
    // the original header comes back, not its content
    expect(raw).toContain('Content-Type: text/rfc822-headers');
    expect(raw).toMatch(/Subject: =\?UTF-8\?B\?/);
    expect(raw).not.toContain(Buffer.from('请查收。').toString('latin1'));
    expect(dsn.row.from_address).toBe('postmaster@haining.gov.cn');
  });

  it('never accepted: one delay notice after 4 hours, then expiry after 5 days with a bounce (4.4.7)', async () => {
    const sink = await startSink(() => [421, '4.4.2 busy']);
    sinks.push(sink);
    dns.a.set('slow.test', ['127.0.0.1']); // no MX: the implicit MX (RFC 5321 §5.1)
    const before = (await senderInbox()).length;
    await submit(['x@slow.test']);
    const worker = makeSender(sink.port);
    const started = clock.now();
    let runs = 0;
    for (;;) {
      await worker.runOnce();
      runs++;
      const [row] = await queue();
      if (row!.status !== 'queued') break;
      clock.advance(Math.max(0, Number(row!.next_attempt_at) - clock.now()));
      expect(runs).toBeLessThan(60);
    }
    const [row] = await queue();
    expect(row!.status).toBe('failed');
    expect(clock.now() - started).toBe(120 * HOUR);
    expect(sink.rcptAttempts.get('x@slow.test')).toBe(runs);
    const notices = (await senderInbox()).slice(before).map((m) => m.raw.toString('latin1'));
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain('Action: delayed');
    expect(notices[0]).toMatch(/Will-Retry-Until: /);
    expect(notices[1]).toContain('Action: failed');
    expect(notices[1]).toContain('Status: 4.4.7');
  });

  it('MX preference with fallback to the next host, and a domain that does not exist', async () => {
    const sink = await startSink(() => undefined);
    sinks.push(sink);
    dns.mx.set('pref.test', [
      { exchange: 'backup.pref.test', priority: 20 },
      { exchange: 'primary.pref.test', priority: 10 },
    ]);
    dns.a.set('primary.pref.test', ['127.0.0.2']); // nobody listens there on the sink's port
    dns.a.set('backup.pref.test', ['127.0.0.1']);
    await submit(['a@pref.test', 'b@pref.test', 'c@nxdomain.test']);
    const summary = await makeSender(sink.port).runOnce();
    expect(summary).toEqual({ claimed: 3, sent: 2, failed: 1, deferred: 0 });
    // one SMTP transaction for the two recipients of one domain
    expect(sink.received.map((r) => r.to)).toEqual([['a@pref.test', 'b@pref.test']]);
    expect((await queue()).map((r) => [r.recipient, r.status])).toEqual([
      ['a@pref.test', 'sent'],
      ['b@pref.test', 'sent'],
      ['c@nxdomain.test', 'failed'],
    ]);
  });

  it('per-recipient results: one accepted, one refused in the same transaction', async () => {
    const sink = await startSink((address) => (address === 'gone@mixed.test' ? [550, '5.1.1 no such user'] : undefined));
    sinks.push(sink);
    dns.a.set('mixed.test', ['127.0.0.1']);
    const before = (await senderInbox()).length;
    await submit(['here@mixed.test', 'gone@mixed.test']);
    expect(await makeSender(sink.port).runOnce()).toEqual({ claimed: 2, sent: 1, failed: 1, deferred: 0 });
    expect(sink.received.map((r) => r.to)).toEqual([['here@mixed.test']]);
    expect((await queue()).map((r) => [r.recipient, r.status])).toEqual([
      ['here@mixed.test', 'sent'],
      ['gone@mixed.test', 'failed'],
    ]);
    const bounce = (await senderInbox()).slice(before);
    expect(bounce).toHaveLength(1);
    expect(bounce[0]!.raw.toString('latin1')).toContain('Final-Recipient: rfc822; gone@mixed.test');
    expect(bounce[0]!.raw.toString('latin1')).not.toContain('Final-Recipient: rfc822; here@mixed.test');
  });

  it('a configured smart host takes everything, with AUTH after STARTTLS, no MX lookup', async () => {
    const logins: string[] = [];
    const server = new SMTPServer({
      logger: false,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        logins.push(`${auth.username}:${auth.password}`);
        return auth.username === 'relay' && auth.password === 'secret' ? callback(null, { user: 'relay' }) : callback(new Error('bad credentials'));
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          relayed.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      },
    });
    const relayed: string[] = [];
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
    try {
      await submit(['x@anywhere.test', 'y@elsewhere.test']);
      const config = { ...services.config, outbound: { ...services.config.outbound, smartHost: { host: '127.0.0.1', port, secure: false, user: 'relay', password: 'secret' } } };
      const noDns: MailDnsResolver = { resolveMx: () => Promise.reject(new Error('no DNS for a smart host')), resolveAddresses: () => Promise.reject(new Error('no DNS for a smart host')) };
      const worker = new OutboundSender({ db: services.db, mail: services.mail, delivery: services.delivery, clock, logger: services.logger, config, dkim: services.dkim, resolver: noDns });
      expect(await worker.runOnce()).toEqual({ claimed: 2, sent: 2, failed: 0, deferred: 0 });
      expect(relayed.sort()).toEqual(['x@anywhere.test', 'y@elsewhere.test']);
      expect(logins).toEqual(['relay:secret']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('two nodes draining one queue deliver each recipient once', async () => {
    const sink = await startSink(() => undefined);
    sinks.push(sink);
    dns.a.set('many.test', ['127.0.0.1']);
    for (let i = 0; i < 6; i++) await submit([`p${i}@many.test`], `第${i}封`);
    const [a, b] = [makeSender(sink.port), makeSender(sink.port)];
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra.claimed + rb.claimed).toBe(6);
    expect(ra.sent + rb.sent).toBe(6);
    expect(sink.received.flatMap((r) => r.to).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `p${i}@many.test`));
  });

  it('a row whose lease expired (its node died) is claimed again', async () => {
    const sink = await startSink(() => undefined);
    sinks.push(sink);
    dns.a.set('lease.test', ['127.0.0.1']);
    await submit(['z@lease.test']);
    const [row] = await queue();
    await services.db.updateTable('outbound_queue').set({ status: 'sending', lease_owner: 'dead-node', lease_until: clock.now() + 60_000 }).where('id', '=', row!.id).execute();
    const worker = makeSender(sink.port);
    expect((await worker.runOnce()).claimed).toBe(0);
    clock.advance(61_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
  });
});
