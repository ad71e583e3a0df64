/**
 * Recipient expansion on delivery: an alias lands in its account's INBOX; a unit list lands in
 * every member's INBOX (sub-units included) as one stored blob; a person reached twice in one
 * message (directly, by alias and by list) gets one copy. Send-as aliases may be used as the
 * sender on submission (RFC 6409 §6.1), other aliases may not.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfc5322 } from '../helpers/temp-services.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { integrityProblems, SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const SYSTEM = { address: 'system', via: 'cli' } as const;
let gm: TestGovmail;

beforeAll(async () => {
  gm = await startTestGovmail();
  const dir = gm.services.directory;
  await dir.createUnit({ code: 'xsjd', name: '硖石街道', parentCode: 'hn' }, SYSTEM);
  await dir.createUnit({ code: 'czj', name: '市财政局' }, SYSTEM);
  await gm.addPerson({ address: 'zhoumin@haining.gov.cn', displayName: '周敏', unitCode: 'xsjd' });
  await gm.addPerson({ address: 'xulihua@haining.gov.cn', displayName: '徐丽华', unitCode: 'czj' });
  await dir.addAlias('bgs@haining.gov.cn', 'lina@haining.gov.cn', false, SYSTEM);
  await dir.addAlias('zw@haining.gov.cn', 'zhangwei@haining.gov.cn', true, SYSTEM);
  await dir.addUnitList({ address: 'hn-all@haining.gov.cn', displayName: '海宁市全体', unitCode: 'hn' }, SYSTEM);
  await dir.addUnitList({ address: 'hn-direct@haining.gov.cn', displayName: '海宁市本级', unitCode: 'hn', includeSubUnits: false }, SYSTEM);
});

afterAll(async () => {
  await gm?.stop();
});

async function deliver(to: string[], subject: string): Promise<void> {
  const wire = await SmtpWire.connect(gm.ports.smtp);
  try {
    await wire.ehlo('mx.example.com');
    const reply = await wire.sendMail({ from: 'sender@example.com', to }, rfc5322({ to: to.join(', '), subject }));
    expect(reply.code, reply.text).toBe(250);
  } finally {
    await wire.quit();
  }
}

async function latestSubjects(): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const address of gm.people.keys()) out.set(address, (await gm.inbox(address)).at(-1)?.subject ?? null);
  return out;
}

describe('recipient expansion', () => {
  it('mail to an alias lands in the target INBOX', async () => {
    await deliver(['BGS@haining.gov.cn'], '致办公室');
    const row = (await gm.inbox('lina@haining.gov.cn')).at(-1)!;
    expect(row.subject).toBe('致办公室');
    expect((await gm.inbox('zhangwei@haining.gov.cn')).some((r) => r.subject === '致办公室')).toBe(false);
  });

  it('mail to a unit list lands in every member INBOX, sub-units included, as one blob', async () => {
    const before = await gm.counts();
    await deliver(['hn-all@haining.gov.cn'], '全市通知');
    const members = ['zhangwei@haining.gov.cn', 'lina@haining.gov.cn', 'wangfang@haining.gov.cn', 'zhoumin@haining.gov.cn'];
    const latest = await latestSubjects();
    for (const m of members) expect(latest.get(m), m).toBe('全市通知');
    expect(latest.get('xulihua@haining.gov.cn')).not.toBe('全市通知');

    const after = await gm.counts();
    expect(after.messages - before.messages).toBe(members.length);
    expect(after.blobs - before.blobs).toBe(1);
    expect(after.blobFiles - before.blobFiles).toBe(1);
    const hashes = new Set<string>();
    for (const m of members) hashes.add((await gm.inbox(m)).at(-1)!.blob_hash);
    expect(hashes.size).toBe(1);
    const blob = await gm.services.db.selectFrom('blobs').selectAll().where('hash', '=', [...hashes][0]!).executeTakeFirstOrThrow();
    expect(blob.ref_count).toBe(members.length);
  });

  it('a list without sub-units leaves them out', async () => {
    await deliver(['hn-direct@haining.gov.cn'], '本级通知');
    const latest = await latestSubjects();
    for (const m of ['zhangwei@haining.gov.cn', 'lina@haining.gov.cn', 'wangfang@haining.gov.cn']) expect(latest.get(m), m).toBe('本级通知');
    expect(latest.get('zhoumin@haining.gov.cn')).not.toBe('本级通知');
  });

  it('a person reached directly, by alias and by list gets one copy', async () => {
    const before = (await gm.inbox('lina@haining.gov.cn')).length;
    await deliver(['lina@haining.gov.cn', 'bgs@haining.gov.cn', 'hn-direct@haining.gov.cn'], '重复收件人');
    const rows = await gm.inbox('lina@haining.gov.cn');
    expect(rows.length - before).toBe(1);
    expect(rows.at(-1)!.subject).toBe('重复收件人');
  });

  it('a send-as alias may be the sender on submission; a receive-only alias may not', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submission, requireTLS: true, auth: { user: 'zhangwei@haining.gov.cn', pass: SEED_PASSWORD }, tls: { rejectUnauthorized: false } });
    const tl = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submission, requireTLS: true, auth: { user: 'lina@haining.gov.cn', pass: SEED_PASSWORD }, tls: { rejectUnauthorized: false } });
    try {
      const ok = await t.sendMail({ from: 'zw@haining.gov.cn', to: 'wangfang@haining.gov.cn', subject: '以别名发信', text: '.' });
      expect(ok.accepted).toEqual(['wangfang@haining.gov.cn']);
      expect((await gm.inbox('wangfang@haining.gov.cn')).at(-1)!.from_address).toBe('zw@haining.gov.cn');
      const refused = await tl.sendMail({ from: 'bgs@haining.gov.cn', to: 'wangfang@haining.gov.cn', subject: 'x', text: 'x' }).then(
        () => null,
        (err: { responseCode?: number }) => err,
      );
      expect(refused?.responseCode).toBe(553);
    } finally {
      t.close();
      tl.close();
    }
    expect(await integrityProblems(gm.services)).toEqual([]);
  });

  // Reported to the lead: today a member whose mailbox is full at DATA time makes the whole
  // delivery fail with 451 4.3.0, so one full mailbox holds up a notice to the whole unit.
  it('a list member over quota does not hold up delivery to the other members', async () => {
    // 周敏's mailbox is full: the list delivery still reaches everyone else.
    await gm.services.db.updateTable('accounts').set({ quota_bytes: 1 }).where('address', '=', 'zhoumin@haining.gov.cn').execute();
    await deliver(['hn-all@haining.gov.cn'], '配额测试');
    expect((await gm.inbox('zhoumin@haining.gov.cn')).some((r) => r.subject === '配额测试')).toBe(false);
    expect((await gm.inbox('lina@haining.gov.cn')).at(-1)?.subject).toBe('配额测试');
    expect(await integrityProblems(gm.services)).toEqual([]);
  });
});
