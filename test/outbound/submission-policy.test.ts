/**
 * One outbound pipeline for SMTP submission and the webmail's send (SPEC 3.1–3.2): the same
 * classified marker and the same unit rule refuse both — SMTP with 550 5.7.1 and the reason,
 * the web with `outbound.blocked` and the 机要 pointer — and each refusal is a security event
 * and an audit row; warnings are confirmed on the web and passed with a header on SMTP; a
 * hold puts the message in the review queue and nothing is delivered.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/http/app.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

let gm: TestGovmail;
let app: FastifyInstance;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
let web: { post(url: string, payload: unknown): Promise<{ statusCode: number; json(): any; body: string }> };

const SENDER = 'zhangwei@haining.gov.cn';
const RECIPIENT = 'lina@haining.gov.cn';

beforeAll(async () => {
  // The SMTP sign-in after the web one would bring a new-device alert mail into the store counts compared below.
  gm = await startTestGovmail({ overrides: { outbound: { senderEnabled: false }, auth: { newDeviceAlerts: false } } });
  app = await buildApp(gm.services);
  const login = await app.inject({ method: 'POST', url: '/api/session', payload: { address: SENDER, password: SEED_PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = login.cookies.find((c) => c.name === 'govmail_session')!.value;
  const { csrfToken } = login.json() as { csrfToken: string };
  web = { post: (url, payload) => app.inject({ method: 'POST', url, headers: { cookie: `govmail_session=${cookie}`, 'x-csrf-token': csrfToken }, payload: payload as object }) };
});

afterAll(async () => {
  await app?.close();
  await gm?.stop();
});

async function smtpSend(message: { subject: string; text: string; to?: string; headers?: Record<string, string> }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submission, secure: false, requireTLS: true, auth: { user: SENDER, pass: SEED_PASSWORD }, tls: { rejectUnauthorized: false } });
  try {
    return await transport.sendMail({ from: SENDER, to: message.to ?? RECIPIENT, subject: message.subject, text: message.text, ...(message.headers ? { headers: message.headers } : {}) });
  } finally {
    transport.close();
  }
}

async function smtpError(message: Parameters<typeof smtpSend>[0]): Promise<{ responseCode?: number; response?: string }> {
  try {
    await smtpSend(message);
  } catch (err) {
    return err as { responseCode?: number; response?: string };
  }
  throw new Error('expected the submission to be refused');
}

const inboxCount = async () => (await gm.inbox(RECIPIENT)).length;
const events = () => gm.services.db.selectFrom('security_events').selectAll().orderBy('id').execute();

describe('one outbound pipeline for SMTP submission and the web', () => {
  it('a classified marker blocks both, with the reason, the 机要 pointer and a security event', async () => {
    const before = await inboxCount();
    const stored = await gm.counts();
    const smtp = await smtpError({ subject: '【机密】2025年度重大项目前期工作推进情况', text: '截至目前，进展顺利。' });
    expect(smtp.responseCode).toBe(550);
    expect(smtp.response).toMatch(/^550 5\.7\.1 /);
    expect(smtp.response).toContain('机密');
    expect(smtp.response).toContain('机要');

    const response = await web.post('/api/send', { to: [RECIPIENT], subject: '关于重点工程项目选址论证情况的汇报', html: '<p>秘密★10年</p><p>一、项目背景</p>' });
    expect(response.statusCode, response.body).toBe(422);
    const error = response.json().error;
    expect(error.code).toBe('outbound.blocked');
    expect(error.message).toContain('秘密★10年');
    expect(error.message).toContain('机要');
    expect(error.issues[0].path).toBe('classified-marker');

    expect(await inboxCount()).toBe(before);
    // nothing of a refused message is stored: no rows, no blob file, no queue entry
    expect(await gm.counts()).toEqual(stored);
    const recorded = await events();
    expect(recorded.map((e) => [e.kind, e.account])).toEqual([
      ['outbound.classified_blocked', SENDER],
      ['outbound.classified_blocked', SENDER],
    ]);
    expect(JSON.parse(recorded[0]!.details)).toMatchObject({ check: 'classified-marker', protocol: 'smtp-submission', locations: ['subject'] });
    expect(JSON.parse(recorded[1]!.details)).toMatchObject({ protocol: 'web', locations: ['body'] });
    expect(recorded[0]!.details).not.toContain('重大项目');
    expect(recorded[1]!.message_id).toMatch(/^<.+@.+>$/);
    const denied = await gm.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'mail.send').where('outcome', '=', 'denied').execute();
    expect(denied.map((d) => d.protocol)).toEqual(['smtp-submission', 'web']);
  });

  it('the 涉密 label blocks the web send (and is recorded)', async () => {
    const response = await web.post('/api/send', { to: [RECIPIENT], subject: '普通标题', html: '<p>正文</p>', classification: '涉密' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.issues).toEqual([{ path: 'classification', message: expect.stringContaining('机要') }]);
    expect((await events()).at(-1)).toMatchObject({ kind: 'outbound.classified_blocked' });
  });

  it('benign look-alikes go through both', async () => {
    const before = await inboxCount();
    await smtpSend({ subject: '市政府办公室秘书处关于报送工作总结的通知', text: '请报秘书处。保障数据的机密性、完整性和可用性。' });
    const response = await web.post('/api/send', { to: [RECIPIENT], subject: '关于开展保密宣传教育月活动的通知', html: '<p>增强保密意识，保守国家秘密。</p>' });
    expect(response.statusCode, response.body).toBe(200);
    expect(await inboxCount()).toBe(before + 2);
  });

  it('the same unit rule (block) refuses both', async () => {
    const sender = gm.people.get(SENDER)!;
    const now = gm.services.clock.now();
    const rule = await gm.services.db
      .insertInto('content_rules')
      .values({ unit_id: sender.unit_id, name: '拆迁补偿标准', kind: 'keyword', pattern: '补偿标准', action: 'block', enabled: 1, created_by: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const smtp = await smtpError({ subject: '意见', text: '建议适当提高征地拆迁补偿标准。' });
      expect(smtp.responseCode).toBe(550);
      expect(smtp.response).toContain('拆迁补偿标准');
      const response = await web.post('/api/send', { to: [RECIPIENT], subject: '意见', html: '<p>建议适当提高征地拆迁补偿标准。</p>' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.message).toContain('触发内容规则「拆迁补偿标准」');
      const last = (await events()).slice(-2);
      expect(last.map((e) => [e.kind, JSON.parse(e.details).ruleId])).toEqual([
        ['outbound.content_blocked', rule.id],
        ['outbound.content_blocked', rule.id],
      ]);
    } finally {
      await gm.services.db.deleteFrom('content_rules').where('id', '=', rule.id).execute();
    }
  });

  it('warnings: the web asks for confirmation; SMTP passes with a header', async () => {
    const html = '<p>拟录用人员：王五，身份证号 11010519491231002X。</p>';
    const first = await web.post('/api/send', { to: [RECIPIENT], subject: '拟录用名单', html });
    expect(first.statusCode).toBe(409);
    expect(first.json().error.code).toBe('outbound.confirm_required');
    expect(first.json().error.issues[0].message).toContain('身份证号码');
    const before = await inboxCount();
    const confirmed = await web.post('/api/send', { to: [RECIPIENT], subject: '拟录用名单', html, confirmWarnings: true });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    await smtpSend({ subject: '拟录用名单', text: '身份证号 11010519491231002X' });
    const rows = (await gm.inbox(RECIPIENT)).slice(before);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const raw = (await gm.services.blobs.get(row.blob_hash)).toString('utf8');
      expect(raw).toMatch(/^X-Govmail-Content-Warning: personal-data\r\n/m);
      expect(raw.split('\r\n\r\n')[0]).not.toContain('11010519491231002X');
    }
  });

  it('hold: nothing is delivered; the message waits in the review queue', async () => {
    const sender = gm.people.get(SENDER)!;
    const now = gm.services.clock.now();
    const rule = await gm.services.db
      .insertInto('content_rules')
      .values({ unit_id: null, name: '对外报送审核', kind: 'keyword', pattern: '对外报送', action: 'hold', enabled: 1, created_by: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const before = await inboxCount();
      const info = await smtpSend({ subject: '对外报送材料', text: '附件为对外报送材料。' });
      expect(info.response).toMatch(/^250 2\.6\.0 Held for review as \d+/);
      const response = await web.post('/api/send', { to: [RECIPIENT], subject: '对外报送材料', html: '<p>对外报送</p>' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().heldForReview).toBe(true);
      expect(await inboxCount()).toBe(before);
      const holds = await gm.services.db.selectFrom('outbound_holds').selectAll().where('status', '=', 'pending').orderBy('id').execute();
      expect(holds.map((h) => [h.protocol, h.submitted_by, h.sender_unit_id, JSON.parse(h.recipients)])).toEqual([
        ['smtp-submission', sender.id, sender.unit_id, [RECIPIENT]],
        ['web', sender.id, sender.unit_id, [RECIPIENT]],
      ]);
      // each hold keeps its message file referenced
      for (const hold of holds) expect(await gm.services.blobs.has(hold.blob_hash)).toBe(true);
    } finally {
      await gm.services.db.deleteFrom('content_rules').where('id', '=', rule.id).execute();
    }
  });
});
