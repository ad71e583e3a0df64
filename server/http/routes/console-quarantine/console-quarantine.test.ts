/**
 * Quarantine console API (SPEC 4.2) via app.inject: only the security officer lists, views
 * (sanitised, in a sandboxed frame), releases (delivered, audited) and deletes (audited); staff
 * and other administrators get 403, unknown ids 404, a decided item 409.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundPipeline } from '../../../delivery/inbound/pipeline.js';
import type { Role } from '../../../storage/database.js';
import { createTestHttp, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { corpusDir, signIn, type ApiClient } from '../../test-webmail.js';

let t: TestHttp;
let staff: ApiClient;
let unitAdmin: ApiClient;
let officer: ApiClient;
const actor = { address: 'system', via: 'cli' } as const;

async function person(address: string, roles: Role[]): Promise<ApiClient> {
  await t.services.directory.createAccount({ address, displayName: address.split('@')[0]!, unitCode: 'hn', roles, password: TEST_PASSWORD }, actor);
  return signIn(t, address);
}

/** Holds a corpus message addressed to `to` the way the MX would. */
async function hold(file: string, to: string): Promise<number> {
  const raw = readFileSync(path.join(corpusDir, file));
  const pipeline = new InboundPipeline({ authentication: false, phishingThreshold: 6, scanFailure: 'hold' }, { localDomains: ['haining.gov.cn'], hostname: 'mail.haining.gov.cn', isDirectoryName: async () => false, seenDomain: async () => false });
  const evaluation = await pipeline.evaluate({ raw, envelopeFrom: 'x@example.net', remoteIp: '203.0.113.5', helo: null });
  expect(evaluation.verdict).toBe('quarantine');
  return t.services.quarantine.hold({ raw, envelopeFrom: 'x@example.net', recipients: [to], remoteIp: '203.0.113.5', evaluation });
}

const subjects = async (client: ApiClient) =>
  (await t.services.db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').select('messages.subject').where('mailboxes.account_id', '=', client.account.id).orderBy('messages.id').execute()).map((r) => r.subject);

beforeAll(async () => {
  t = await createTestHttp();
  staff = await person('wang.fang@haining.gov.cn', ['staff']);
  unitAdmin = await person('hn.admin@haining.gov.cn', ['unit_admin']);
  officer = await person('security@haining.gov.cn', ['security_officer']);
});
afterAll(async () => t?.close());

describe('quarantine console', () => {
  it('lists, views safely, releases and deletes, audited; others are refused', async () => {
    const formId = await hold('messages/095-credential-form-in-html.eml', staff.account.address);
    const exeId = await hold('messages/087-lookalike-haining-gov-cn-pdf-exe.eml', staff.account.address);
    // The recipient was told twice, nothing delivered.
    expect(await subjects(staff)).toEqual(['【安全提示】一封发给您的邮件已被隔离', '【安全提示】一封发给您的邮件已被隔离']);

    for (const client of [staff, unitAdmin]) {
      expect((await client.get('/api/console/quarantine')).statusCode).toBe(403);
      expect((await client.get(`/api/console/quarantine/${formId}`)).statusCode).toBe(403);
      expect((await client.get(`/api/console/quarantine/${formId}/frame`)).statusCode).toBe(403);
      expect((await client.post(`/api/console/quarantine/${formId}/release`, { reason: 'x' })).statusCode).toBe(403);
      expect((await client.post(`/api/console/quarantine/${formId}/delete`, { reason: 'x' })).statusCode).toBe(403);
    }

    const list = await officer.get('/api/console/quarantine');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBe(2);
    expect(list.json().items.map((i: { id: number }) => i.id)).toEqual([exeId, formId]);
    expect(list.json().items[0].findings.map((f: { check: string }) => f.check)).toContain('dangerous-attachment');

    const detail = await officer.get(`/api/console/quarantine/${exeId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ status: 'held', recipients: [staff.account.address], attachments: [{ filename: '工资调整通知.pdf.exe' }] });

    // The HTML is shown through the webmail's sanitiser in a sandboxed document: no form, no script.
    const frame = await officer.get(`/api/console/quarantine/${formId}/frame`);
    expect(frame.statusCode).toBe(200);
    expect(frame.headers['content-security-policy']).toMatch(/sandbox allow-same-origin/);
    expect(frame.headers['content-security-policy']).toMatch(/form-action 'none'/);
    expect(frame.body).not.toMatch(/<form|<input|attacker\.invalid\/sso\/verify|<script/i);

    expect((await officer.get('/api/console/quarantine/999999')).statusCode).toBe(404);
    expect((await officer.post('/api/console/quarantine/999999/release', { reason: '核实' })).statusCode).toBe(404);
    expect((await officer.post(`/api/console/quarantine/${formId}/release`, {})).statusCode).toBe(400);

    const released = await officer.post(`/api/console/quarantine/${formId}/release`, { reason: '经核实为演练邮件' });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ status: 'released', decisionReason: '经核实为演练邮件' });
    expect((await subjects(staff)).at(-1)).toBe('身份认证信息核验（须在今日内完成）');
    // Released, it still carries the reasons it was held for (the reading pane's 风险提示).
    const releasedRow = await t.services.db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').select('messages.id').where('mailboxes.account_id', '=', staff.account.id).orderBy('messages.id', 'desc').executeTakeFirstOrThrow();
    const shown = (await staff.get(`/api/messages/${releasedRow.id}`)).json();
    expect(shown.external).toBe(true);
    expect(shown.riskWarnings.join('\n')).toMatch(/仿冒域名/);
    expect((await officer.post(`/api/console/quarantine/${formId}/delete`, { reason: '重复' })).statusCode).toBe(409);

    const deleted = await officer.post(`/api/console/quarantine/${exeId}/delete`, { reason: '病毒附件' });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().status).toBe('deleted');
    expect((await subjects(staff)).filter((s) => s === '关于2025年度工资调整的通知')).toEqual([]);
    expect((await officer.get('/api/console/quarantine?status=held')).json().total).toBe(0);
    expect((await officer.get('/api/console/quarantine?status=all')).json().total).toBe(2);

    // Blob references: the released copy is the mailbox's, the deleted one is gone.
    const refs = await t.services.db.selectFrom('quarantine').select('blob_hash').execute();
    expect(refs.every((r) => r.blob_hash === null)).toBe(true);

    const audit = await t.services.db.selectFrom('audit_log').select(['action', 'target', 'actor']).where('action', 'like', 'security.quarantine.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['security.quarantine.hold', 'security.quarantine.hold', 'security.quarantine.view', 'security.quarantine.release', 'security.quarantine.delete']);
    expect(audit.at(-1)).toMatchObject({ actor: 'security@haining.gov.cn', target: String(exeId) });
  });
});
