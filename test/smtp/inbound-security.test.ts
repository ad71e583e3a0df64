/**
 * The inbound checks over real SMTP to the MX (SPEC 4.2): EICAR through real clamd is accepted
 * and quarantined (never delivered; the recipient is told), a DMARC p=reject failure is refused
 * at the end of DATA with 550 5.7.1, a DMARC pass is delivered with our Authentication-Results,
 * and with clamd down mail is held and the security officer alerted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsResolver } from '../../server/delivery/inbound/authentication.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(REPO_ROOT, '../shared/corpus');
const clamdSocket = process.env.GOVMAIL_TEST_CLAMD;
if (!clamdSocket) console.warn('\n*** SKIPPING inbound SMTP tests with real clamd: GOVMAIL_TEST_CLAMD is not set (test/fixtures/clamav/start-clamd.sh) ***\n');

const zone: Record<string, string[][]> = {
  'reject.example.com': [['v=spf1 ip4:198.51.100.1 -all']],
  '_dmarc.reject.example.com': [['v=DMARC1; p=reject']],
  'pass.example.com': [['v=spf1 ip4:127.0.0.1 -all']],
  '_dmarc.pass.example.com': [['v=DMARC1; p=reject']],
};
const authDns: DnsResolver = async (name, type) => {
  if (type === 'TXT' && zone[name]) return zone[name];
  const err = new Error(`ENOTFOUND ${name}`) as Error & { code: string };
  err.code = 'ENOTFOUND';
  throw err;
};

function message(from: string, to: string, subject: string, body = '您好，附件为本周工作安排，请查收。'): Buffer {
  return Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=\r\nDate: Mon, 02 Jun 2025 10:00:00 +0800\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`);
}

describe.skipIf(!clamdSocket)('inbound checks over SMTP to the MX', () => {
  let gm: TestGovmail;
  let wire: SmtpWire;
  const people = [
    { address: 'machao@haining.gov.cn', displayName: '马超' },
    { address: 'lina@haining.gov.cn', displayName: '李娜' },
    { address: 'aq@haining.gov.cn', displayName: '安全保密员', roles: ['security_officer'] as const },
  ];

  beforeAll(async () => {
    gm = await startTestGovmail({ people: people.map((p) => ({ ...p, roles: p.roles ? [...p.roles] : undefined })) as never, overrides: { inbound: { enabled: true, clamd: { socket: clamdSocket, timeoutMs: 10_000 } } }, start: { authDns } });
    wire = await SmtpWire.connect(gm.ports.smtp);
    await wire.ehlo('mx.example.net');
  });
  afterAll(async () => {
    await wire?.quit().catch(() => undefined);
    await gm?.stop();
  });

  it('EICAR: 250, quarantined with the virus named, not delivered; the recipient gets a notice', async () => {
    const raw = readFileSync(path.join(corpusDir, 'messages/090-eicar-attachment.eml'));
    const reply = await wire.sendMail({ from: 'noreply@fapiao.example.com', to: ['machao@haining.gov.cn'] }, raw);
    expect(reply.code, reply.text).toBe(250);
    const held = await gm.services.db.selectFrom('quarantine').selectAll().execute();
    expect(held).toHaveLength(1);
    const findings = JSON.parse(held[0]!.findings) as { check: string; reason: string }[];
    expect(findings.find((f) => f.check === 'antivirus')?.reason).toMatch(/EICAR/i);
    expect(held[0]).toMatchObject({ status: 'held', recipients: JSON.stringify(['machao@haining.gov.cn']) });
    const inbox = await gm.inbox('machao@haining.gov.cn');
    expect(inbox.map((m) => m.subject)).toEqual(['【安全提示】一封发给您的邮件已被隔离']);
    const notice = (await gm.services.blobs.get(inbox[0]!.blob_hash)).toString('utf8');
    expect(notice).not.toContain('X5O!P%@AP');
    // The held blob keeps its reference; the stored copy carries our Authentication-Results.
    const stored = await gm.services.blobs.get(held[0]!.blob_hash!);
    expect(stored.toString('latin1')).toMatch(/^Received-SPF: [^\r\n]*\r\nAuthentication-Results: mail\.haining\.gov\.cn;/);
    const events = await gm.services.db.selectFrom('security_events').selectAll().where('kind', '=', 'inbound.quarantined').execute();
    expect(events).toHaveLength(1);
  });

  it('DMARC fail with p=reject: 550 5.7.1 at the end of DATA, nothing stored', async () => {
    const reply = await wire.sendMail({ from: 'bounce@reject.example.com', to: ['lina@haining.gov.cn'] }, message('财务处 <cw@reject.example.com>', 'lina@haining.gov.cn', '付款通知'));
    expect(reply.stage).toBe('data');
    expect(reply.code).toBe(550);
    expect(reply.text).toMatch(/5\.7\.1/);
    expect(reply.text).toMatch(/DMARC/);
    await wire.command('RSET');
    expect(await gm.inbox('lina@haining.gov.cn')).toEqual([]);
  });

  it('DMARC pass: delivered behind our Authentication-Results, results recorded beside the message', async () => {
    const reply = await wire.sendMail({ from: 'bounce@pass.example.com', to: ['lina@haining.gov.cn'] }, message('合作单位 <office@pass.example.com>', 'lina@haining.gov.cn', '工作安排'));
    expect(reply.code, reply.text).toBe(250);
    const [row] = await gm.inbox('lina@haining.gov.cn');
    const stored = (await gm.services.blobs.get(row!.blob_hash)).toString('utf8');
    expect(stored).toMatch(/Authentication-Results: mail\.haining\.gov\.cn;[\s\S]*spf=pass[\s\S]*dmarc=pass/);
    const result = await gm.services.db.selectFrom('inbound_results').selectAll().where('blob_hash', '=', row!.blob_hash).executeTakeFirstOrThrow();
    expect(result).toMatchObject({ spf: 'pass', dmarc: 'pass', external: 1, verdict: 'warn' });
    // The only remark: first mail from this domain.
    expect(JSON.parse(result.warnings)).toEqual([expect.stringMatching(/首次/)]);
  });

  it('a forged Authentication-Results claiming our host is neutralised', async () => {
    const forged = Buffer.concat([Buffer.from('Authentication-Results: mail.haining.gov.cn; spf=pass; dmarc=pass\r\n'), message('合作单位 <office@pass.example.com>', 'lina@haining.gov.cn', '第二封')]);
    const reply = await wire.sendMail({ from: 'bounce@pass.example.com', to: ['lina@haining.gov.cn'] }, forged);
    expect(reply.code, reply.text).toBe(250);
    const rows = await gm.inbox('lina@haining.gov.cn');
    const stored = (await gm.services.blobs.get(rows.at(-1)!.blob_hash)).toString('utf8');
    expect(stored.match(/^Authentication-Results:/gm)).toHaveLength(1);
    expect(stored).toContain('X-Untrusted-Authentication-Results: mail.haining.gov.cn; spf=pass');
  });
});

describe.skipIf(!clamdSocket)('inbound checks with clamd down', () => {
  let gm: TestGovmail;
  beforeAll(async () => {
    gm = await startTestGovmail({
      people: [{ address: 'lina@haining.gov.cn', displayName: '李娜' }, { address: 'aq@haining.gov.cn', displayName: '安全保密员', roles: ['security_officer'] }] as never,
      overrides: { inbound: { enabled: true, clamd: { socket: path.join(REPO_ROOT, 'no-such-dir', 'clamd.sock'), timeoutMs: 2000 } } },
      start: { authDns },
    });
  });
  afterAll(async () => gm?.stop());

  it('a clean message is held, not passed, and the security officer is alerted', async () => {
    const wire = await SmtpWire.connect(gm.ports.smtp);
    await wire.ehlo('mx.example.net');
    const reply = await wire.sendMail({ from: 'bounce@pass.example.com', to: ['lina@haining.gov.cn'] }, message('合作单位 <office@pass.example.com>', 'lina@haining.gov.cn', '工作安排'));
    await wire.quit();
    expect(reply.code, reply.text).toBe(250);
    const held = await gm.services.db.selectFrom('quarantine').selectAll().execute();
    expect(held).toHaveLength(1);
    expect(JSON.parse(held[0]!.findings).map((f: { check: string }) => f.check)).toContain('antivirus-unavailable');
    expect((await gm.inbox('lina@haining.gov.cn')).map((m) => m.subject)).toEqual(['【安全提示】一封发给您的邮件已被隔离']);
    expect((await gm.inbox('aq@haining.gov.cn')).map((m) => m.subject)).toEqual(['【告警】病毒扫描不可用，外部邮件已暂扣']);
  });
});
