/**
 * Submission with a real client (nodemailer): RFC 6409 on the STARTTLS port and RFC 8314
 * implicit TLS, AUTH PLAIN and LOGIN (RFC 4954), Chinese subjects and a GBK body (RFC 2047
 * encoded-words, 8BITMIME), the RFC 6409 §8 fixes (Date, Message-ID) and the trace header
 * (RFC 5321 §4.4), and one blob for a message stored in several mailboxes.
 */
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityProblems, SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

let gm: TestGovmail;

beforeAll(async () => {
  gm = await startTestGovmail();
});

afterAll(async () => {
  await gm?.stop();
});

function transport(mode: 'starttls' | 'implicit', user: string, authMethod: 'PLAIN' | 'LOGIN', password = SEED_PASSWORD) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: mode === 'starttls' ? gm.ports.submission : gm.ports.submissions,
    secure: mode === 'implicit',
    requireTLS: mode === 'starttls',
    auth: { user, pass: password },
    authMethod,
    // The test server's certificate is the self-signed one generated into its data directory.
    tls: { rejectUnauthorized: false },
  });
}

const SUBJECT = '关于召开全市防汛防台工作会议的通知';

describe('submission with nodemailer', () => {
  it('STARTTLS + AUTH PLAIN: a Chinese subject and attachment name arrive decoded in INBOX', async () => {
    const t = transport('starttls', 'zhangwei@haining.gov.cn', 'PLAIN');
    try {
      const info = await t.sendMail({
        from: { name: '张伟', address: 'zhangwei@haining.gov.cn' },
        to: 'lina@haining.gov.cn',
        subject: SUBJECT,
        text: '各镇（街道）、市级各部门：定于3月10日召开全市防汛防台工作会议，请准时参加。',
        attachments: [{ filename: '会议议程.docx', content: Buffer.from('议程') }],
      });
      expect(info.accepted).toEqual(['lina@haining.gov.cn']);
      expect(info.response).toMatch(/^250 2\.6\.0 /);
    } finally {
      t.close();
    }
    const rows = await gm.inbox('lina@haining.gov.cn');
    const row = rows.at(-1)!;
    expect(row.subject).toBe(SUBJECT);
    expect(row.from_address).toBe('zhangwei@haining.gov.cn');
    expect(row.from_name).toBe('张伟');
    expect(row.preview).toContain('定于3月10日召开全市防汛防台工作会议');
    expect(JSON.parse(row.attachment_names_json)).toEqual(['会议议程.docx']);
    const raw = await gm.services.blobs.get(row.blob_hash);
    // RFC 5321 §4.4: our trace header comes first, naming the TLS submission.
    expect(raw.toString('latin1')).toMatch(/^Received: from [^\r\n]+\r\n\tby mail\.haining\.gov\.cn \(govmail\) with ESMTPSA? /);
  });

  it('implicit TLS + AUTH LOGIN: a raw GBK message to two people is stored once, decoded right', async () => {
    const body = '各位同事：\r\n请于本周五前报送汛期值班安排表，联系人：王镕（喆）。\r\n';
    const raw = Buffer.concat([
      Buffer.from(
        [
          `From: =?GBK?B?${iconv.encode('张伟', 'gbk').toString('base64')}?= <zhangwei@haining.gov.cn>`,
          'To: lina@haining.gov.cn, wangfang@haining.gov.cn',
          `Subject: =?GBK?B?${iconv.encode(SUBJECT, 'gbk').toString('base64')}?=`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=GBK',
          'Content-Transfer-Encoding: 8bit',
          '',
          '',
        ].join('\r\n'),
        'ascii',
      ),
      iconv.encode(body, 'gbk'),
    ]);
    const gbkBody = iconv.encode(body, 'gbk');
    expect(gbkBody.equals(Buffer.from(body, 'utf8'))).toBe(false);

    const before = await gm.counts();
    const t = transport('implicit', 'zhangwei@haining.gov.cn', 'LOGIN');
    try {
      const info = await t.sendMail({ envelope: { from: 'zhangwei@haining.gov.cn', to: ['lina@haining.gov.cn', 'wangfang@haining.gov.cn'] }, raw });
      expect(info.accepted.sort()).toEqual(['lina@haining.gov.cn', 'wangfang@haining.gov.cn']);
    } finally {
      t.close();
    }
    const after = await gm.counts();
    expect(after.messages - before.messages).toBe(2);
    expect(after.blobs - before.blobs).toBe(1);
    expect(after.blobFiles - before.blobFiles).toBe(1);

    const forLina = (await gm.inbox('lina@haining.gov.cn')).at(-1)!;
    const forWang = (await gm.inbox('wangfang@haining.gov.cn')).at(-1)!;
    for (const row of [forLina, forWang]) {
      expect(row.subject).toBe(SUBJECT);
      expect(row.from_address).toBe('zhangwei@haining.gov.cn');
      expect(row.from_name).toBe('张伟');
      expect(row.preview).toBe('各位同事： 请于本周五前报送汛期值班安排表，联系人：王镕（喆）。');
    }
    // One blob, referenced by both copies.
    expect(forWang.blob_hash).toBe(forLina.blob_hash);
    const blob = await gm.services.db.selectFrom('blobs').selectAll().where('hash', '=', forLina.blob_hash).executeTakeFirstOrThrow();
    expect(blob.ref_count).toBe(2);
    expect(blob.size).toBe(forLina.size);

    // The GBK bytes are stored as sent; RFC 6409 §8.2–8.3: Date and Message-ID were added.
    const stored = await gm.services.blobs.get(forLina.blob_hash);
    expect(stored.includes(gbkBody)).toBe(true);
    const head = stored.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).toMatch(/^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0800$/m);
    expect(head).toMatch(/^Message-ID: <[^>]+@mail\.haining\.gov\.cn>$/m);
    expect(forLina.message_id).toMatch(/@mail\.haining\.gov\.cn>$/);
    expect(forLina.sent_date).not.toBeNull();
    expect(await integrityProblems(gm.services)).toEqual([]);
  });

  it('an external recipient is accepted and queued for delivery, with the local copy in the same blob', async () => {
    const t = transport('starttls', 'wangfang@haining.gov.cn', 'PLAIN');
    try {
      const info = await t.sendMail({
        from: 'wangfang@haining.gov.cn',
        to: ['Someone@Example.COM', 'lina@haining.gov.cn'],
        subject: '关于报送2025年度工作总结的函',
        text: '请查收。',
      });
      expect(info.accepted.map((a) => a.toLowerCase()).sort()).toEqual(['lina@haining.gov.cn', 'someone@example.com']);
    } finally {
      t.close();
    }
    const queued = await gm.services.db.selectFrom('outbound_queue').selectAll().where('recipient', '=', 'someone@example.com').execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ status: 'queued', envelope_from: 'wangfang@haining.gov.cn', attempts: 0, submitted_by: gm.people.get('wangfang@haining.gov.cn')!.id });
    const local = (await gm.inbox('lina@haining.gov.cn')).at(-1)!;
    expect(local.subject).toBe('关于报送2025年度工作总结的函');
    expect(local.blob_hash).toBe(queued[0]!.blob_hash);
    const blob = await gm.services.db.selectFrom('blobs').selectAll().where('hash', '=', local.blob_hash).executeTakeFirstOrThrow();
    expect(blob.ref_count).toBe(2);
    // SPEC Art. 5: the send is audited with metadata only.
    const audit = await gm.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'mail.send').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('wangfang@haining.gov.cn');
    expect(JSON.parse(audit.details)).toMatchObject({ recipients: 2, external: 1 });
  });

  it('a login by bare local part works (the primary domain is implied)', async () => {
    const t = transport('implicit', 'lina', 'PLAIN');
    try {
      await expect(t.verify()).resolves.toBe(true);
    } finally {
      t.close();
    }
  });
});
