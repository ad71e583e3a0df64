/**
 * Incident response over real sockets (SPEC Art. 4.3; issue 6 "an incident that purges a
 * message from 50 mailboxes"): a phishing mail sent over SMTP to a 50-member unit list is
 * reported by one member over HTTP, the security officer purges it by Message-ID — 50 copies
 * gone, the blob released, quotas credited, and an IMAP session (imapflow) that has the
 * message selected receives EXPUNGE. Blocking the sender's domain then makes the MX refuse it
 * with 550 5.7.1, by envelope sender and by From header.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../common/schemas/session.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322 } from '../helpers/temp-services.js';

const SYSTEM = { address: 'system', via: 'cli' } as const;
const MEMBERS = 50;
const members = Array.from({ length: MEMBERS }, (_, i) => `kezhang${String(i + 1).padStart(2, '0')}@haining.gov.cn`);
const OFFICER = 'anquan@haining.gov.cn';
const PHISH_ID = 'phish-2026-11-29@mail.evil-example.cn';

let gm: TestGovmail;
const clients: ImapFlow[] = [];

beforeAll(async () => {
  gm = await startTestGovmail({ people: [{ address: OFFICER, displayName: '安全员', roles: ['security_officer'] }] });
  await gm.services.directory.createUnit({ code: 'kj', name: '市科技局', parentCode: 'hn' }, SYSTEM);
  for (const [i, address] of members.entries()) await gm.addPerson({ address, displayName: `科员${i + 1}`, unitCode: 'kj' });
  await gm.services.directory.addUnitList({ address: 'kj-all@haining.gov.cn', displayName: '市科技局全体', unitCode: 'kj' }, SYSTEM);
}, 120_000);

afterAll(async () => {
  for (const c of clients) await c.logout().catch(() => undefined);
  await gm?.stop();
});

/** A signed-in HTTP client against the real listener. */
async function web(address: string) {
  const base = `http://127.0.0.1:${gm.ports.http}`;
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address, password: SEED_PASSWORD }) });
  expect(login.status).toBe(200);
  const cookie = /govmail_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { cookie: `govmail_session=${cookie}`, [CSRF_HEADER]: csrfToken, 'content-type': 'application/json' };
  return {
    get: (path: string) => fetch(`${base}${path}`, { headers: { cookie: headers.cookie } }),
    post: (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
  };
}

async function smtpSend(from: string, to: string[], raw: Buffer) {
  const wire = await SmtpWire.connect(gm.ports.smtp);
  try {
    await wire.ehlo('mx.evil-example.cn');
    return await wire.sendMail({ from, to }, raw);
  } finally {
    await wire.quit().catch(() => undefined);
  }
}

describe('purging a message delivered to 50 mailboxes', () => {
  it('removes all 50 copies by Message-ID, releases the blob, credits quotas, and the IMAP session gets EXPUNGE', async () => {
    const raw = rfc5322({ from: '"财务处" <notice@mail.evil-example.cn>', to: 'kj-all@haining.gov.cn', subject: '紧急：请立即核对工资账户', body: '请点击链接登录并核对您的工资账户密码。', messageId: PHISH_ID });
    const sent = await smtpSend('notice@mail.evil-example.cn', ['kj-all@haining.gov.cn'], raw);
    expect(sent.code, sent.text).toBe(250);

    const copies = await gm.services.db.selectFrom('messages').select(['id', 'blob_hash']).where('message_id', '=', `<${PHISH_ID}>`).execute();
    expect(copies).toHaveLength(MEMBERS);
    const blobHash = copies[0]!.blob_hash;
    expect((await gm.services.db.selectFrom('blobs').select('ref_count').where('hash', '=', blobHash).executeTakeFirstOrThrow()).ref_count).toBe(MEMBERS);
    const usedBefore = (await gm.services.mail.quota((await gm.services.directory.getAccount(members[0]!)).id)).usedBytes;
    expect(usedBefore).toBeGreaterThan(0);

    // A member has it selected in a desktop client, idling.
    const imap = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: members[0]!, pass: SEED_PASSWORD }, logger: false, disableAutoIdle: true });
    imap.on('error', () => undefined);
    await imap.connect();
    clients.push(imap);
    await imap.mailboxOpen('INBOX');
    expect(imap.mailbox && imap.mailbox.exists).toBe(1);
    const idling = imap.idle();
    await new Promise((r) => setTimeout(r, 100));
    const expunged = new Promise<{ seq: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no EXPUNGE within 3 s')), 3000);
      imap.once('expunge', (payload: { seq: number }) => {
        clearTimeout(timer);
        resolve(payload);
      });
    });

    // Another member reports it from the webmail.
    const reporter = await web(members[1]!);
    const reporterAccount = await gm.services.directory.getAccount(members[1]!);
    const ownCopy = await gm.services.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .select('messages.id')
      .where('mailboxes.account_id', '=', reporterAccount.id)
      .where('messages.message_id', '=', `<${PHISH_ID}>`)
      .executeTakeFirstOrThrow();
    const reported = await reporter.post('/api/incidents', { kind: 'suspicious_mail', description: '冒充财务处索要密码', messageId: ownCopy.id });
    expect(reported.status).toBe(201);
    const incident = (await reported.json()) as { id: number; state: string };
    expect(incident.state).toBe('reported');

    // The security officer purges it by Message-ID (the incident's own).
    const officer = await web(OFFICER);
    expect((await officer.post(`/api/console/incidents/${incident.id}/transition`, { action: 'triage', reason: '确认为钓鱼邮件' })).status).toBe(200);
    const purge = await officer.post(`/api/console/incidents/${incident.id}/actions/purge`, { by: 'message_id', reason: '钓鱼邮件，全员清除' });
    expect(purge.status).toBe(200);
    const outcome = (await purge.json()) as { count: number; accounts: number; value: string };
    expect(outcome).toMatchObject({ count: MEMBERS, accounts: MEMBERS, value: `<${PHISH_ID}>` });

    expect((await expunged).seq).toBe(1);
    await imap.noop();
    await idling;
    expect(imap.mailbox && imap.mailbox.exists).toBe(0);

    expect(await gm.services.db.selectFrom('messages').select('id').where('message_id', '=', `<${PHISH_ID}>`).execute()).toHaveLength(0);
    expect(await gm.services.db.selectFrom('blobs').select('hash').where('hash', '=', blobHash).executeTakeFirst()).toBeUndefined();
    await expect(gm.services.blobs.get(blobHash)).rejects.toThrow();
    for (const address of members) expect((await gm.services.mail.quota((await gm.services.directory.getAccount(address)).id)).usedBytes).toBe(0);

    // Audited with who, what, why; on the incident's timeline with the count.
    const audit = await gm.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'security.purge_message').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(OFFICER);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ reason: '钓鱼邮件，全员清除', count: MEMBERS });
    const detail = (await (await officer.get(`/api/console/incidents/${incident.id}`)).json()) as { timeline: { kind: string; details: { count?: number } }[] };
    expect(detail.timeline.find((e) => e.kind === 'purge_message')?.details.count).toBe(MEMBERS);

    // Purging again finds nothing.
    const again = await officer.post(`/api/console/incidents/${incident.id}/actions/purge`, { by: 'blob_hash', value: blobHash, reason: '复查' });
    expect(((await again.json()) as { count: number }).count).toBe(0);
  });
});

describe('blocking a sender domain', () => {
  it('the MX refuses the domain (and its subdomains) with 550 5.7.1, by envelope and by From header', async () => {
    const officer = await web(OFFICER);
    const incident = await gm.services.incidents.report(await gm.services.directory.getAccount(members[2]!), { kind: 'other', description: '持续收到 evil-example.cn 的钓鱼邮件' }, { address: members[2]!, via: 'web' });
    const blocked = await officer.post(`/api/console/incidents/${incident.id}/actions/block-sender`, { pattern: '@Evil-Example.cn', reason: '钓鱼来源域名' });
    expect(blocked.status).toBe(200);
    expect(((await blocked.json()) as { block: { pattern: string; kind: string } }).block).toMatchObject({ pattern: 'evil-example.cn', kind: 'domain' });

    const wire = await SmtpWire.connect(gm.ports.smtp);
    try {
      await wire.ehlo('mx.evil-example.cn');
      const mailFrom = await wire.command('MAIL FROM:<notice@mail.evil-example.cn>');
      expect(mailFrom.code).toBe(550);
      expect(mailFrom.text).toContain('5.7.1');
      // Other domains are untouched.
      const other = await wire.command('MAIL FROM:<friend@example.org>');
      expect(other.code).toBe(250);
    } finally {
      await wire.quit().catch(() => undefined);
    }

    // A different envelope sender with the blocked From header is refused at the end of DATA.
    const disguised = await smtpSend('bounce@example.org', [members[3]!], rfc5322({ from: 'notice@evil-example.cn', to: members[3]!, subject: '换个信封' }));
    expect(disguised.code).toBe(550);
    expect(disguised.text).toContain('5.7.1');
    expect(await gm.inbox(members[3]!)).toHaveLength(0);

    // Mail from elsewhere still arrives.
    const fine = await smtpSend('friend@example.org', [members[3]!], rfc5322({ from: 'friend@example.org', to: members[3]!, subject: '正常来信' }));
    expect(fine.code).toBe(250);
  });
});
