/**
 * The reading pane's 外部邮件 and 风险提示 (SPEC 4.2) from what the inbound checks recorded:
 * mail delivered through the MX with the inbound pipeline on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundPipeline } from '../../../delivery/inbound/pipeline.js';
import { createTestHttp, TEST_ADDRESS, type TestHttp } from '../../test-app.js';
import { corpusMessage, signIn, type ApiClient } from '../../test-webmail.js';
import { messageDetailSchema } from './schema.js';

let t: TestHttp;
let me: ApiClient;

beforeAll(async () => {
  t = await createTestHttp();
  me = await signIn(t, TEST_ADDRESS);
  const pipeline = new InboundPipeline(
    { authentication: false, phishingThreshold: 6, scanFailure: 'hold' },
    { localDomains: t.services.config.domains, hostname: t.services.config.hostname, isDirectoryName: async () => false, seenDomain: async () => false },
  );
  t.services.delivery.enableInbound(pipeline, t.services.config.hostname);
});
afterAll(async () => t?.close());

async function mx(raw: Buffer, envelopeFrom: string) {
  const report = await t.services.delivery.deliver({ envelopeFrom, recipients: [TEST_ADDRESS], raw, submittedBy: null, remoteIp: '203.0.113.7', protocol: 'smtp-mx' });
  const row = await t.services.db.selectFrom('messages').select('id').where('blob_hash', '=', report.blobHash).executeTakeFirstOrThrow();
  const response = await me.get(`/api/messages/${row.id}`);
  expect(response.statusCode).toBe(200);
  return messageDetailSchema.parse(response.json());
}

describe('inbound marks in the reading pane', () => {
  it('a suspicious message below the threshold carries its 风险提示 reasons and 外部邮件', async () => {
    // Display-name spoof with urgent payment wording: scored, but with no directory match below the threshold.
    const detail = await mx(corpusMessage('messages/085-display-name-spoof-urgent-transfer.eml'), 'zhangwei.hn@163.com');
    expect(detail.external).toBe(true);
    expect(detail.riskWarnings.length).toBeGreaterThanOrEqual(2);
    expect(detail.riskWarnings.join('\n')).toMatch(/付款|转账/);
    expect(detail.riskWarnings.join('\n')).toMatch(/首次/);
  });

  it('mail claiming our domain that came in from outside is marked 外部邮件 though its From is internal', async () => {
    const raw = Buffer.from('From: 王芳 <wangfang@haining.gov.cn>\r\nTo: zhangwei@haining.gov.cn\r\nSubject: hello\r\nDate: Mon, 02 Jun 2025 10:00:00 +0800\r\nMessage-ID: <m1@example.net>\r\n\r\nhi\r\n');
    const detail = await mx(raw, 'bounce@example.net');
    expect(detail.external).toBe(true);
    expect(detail.riskWarnings.join('\n')).toMatch(/来自外部/);
  });

  it('internal mail (not through the MX) has neither', async () => {
    const raw = Buffer.from('From: 王芳 <wangfang@haining.gov.cn>\r\nTo: zhangwei@haining.gov.cn\r\nSubject: internal\r\nDate: Mon, 02 Jun 2025 10:00:00 +0800\r\nMessage-ID: <m2@haining.gov.cn>\r\n\r\nhi\r\n');
    const report = await t.services.delivery.deliver({ envelopeFrom: 'wangfang@haining.gov.cn', recipients: [TEST_ADDRESS], raw, submittedBy: null, remoteIp: null, protocol: 'system' });
    const row = await t.services.db.selectFrom('messages').select('id').where('blob_hash', '=', report.blobHash).executeTakeFirstOrThrow();
    const detail = messageDetailSchema.parse((await me.get(`/api/messages/${row.id}`)).json());
    expect(detail).toMatchObject({ external: false, riskWarnings: [] });
  });
});
