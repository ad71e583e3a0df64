/**
 * The outbound console API: the review queue scoped by unit (a unit admin sees their units'
 * held mail, another unit's is 404; the security officer sees all), release delivers and
 * reject tells the sender, each once and audited; content rules by policy (unit admins for
 * their unit, global rules only for the security officer, dangerous regexes refused); the
 * outbound queue for `outbound.manage` with retry and cancel, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { signIn, type ApiClient } from '../../test-webmail.js';
import type { Role } from '../../../storage/database.js';

let t: TestHttp;
let staff: ApiClient;
let otherStaff: ApiClient;
let unitAdmin: ApiClient;
let otherAdmin: ApiClient;
let officer: ApiClient;
let deptAdmin: ApiClient;
let unitA: number;
let unitB: number;

const actor = { address: 'system', via: 'cli' } as const;

async function person(address: string, unitCode: string, roles: Role[]): Promise<ApiClient> {
  await t.services.directory.createAccount({ address, displayName: address.split('@')[0]!, unitCode, roles, password: TEST_PASSWORD }, actor);
  return signIn(t, address);
}

beforeAll(async () => {
  t = await createTestHttp();
  unitA = (await t.services.directory.createUnit({ code: 'czj', name: '市财政局', parentCode: 'hn' }, actor)).id;
  unitB = (await t.services.directory.createUnit({ code: 'jyj', name: '市教育局', parentCode: 'hn' }, actor)).id;
  staff = await person('wang.fang@haining.gov.cn', 'czj', ['staff']);
  otherStaff = await person('liu.yang@haining.gov.cn', 'jyj', ['staff']);
  unitAdmin = await person('czj.admin@haining.gov.cn', 'czj', ['unit_admin']);
  otherAdmin = await person('jyj.admin@haining.gov.cn', 'jyj', ['unit_admin']);
  officer = await person('security@haining.gov.cn', 'hn', ['security_officer']);
  deptAdmin = await person('dsj.admin@haining.gov.cn', 'hn', ['dept_admin']);
});

afterAll(async () => {
  await t?.close();
});

const inbox = async (client: ApiClient) => {
  const rows = await t.services.db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').select(['messages.subject', 'messages.from_address']).where('mailboxes.account_id', '=', client.account.id).where('mailboxes.name', '=', 'INBOX').orderBy('messages.id').execute();
  return rows;
};

describe('content rules', () => {
  it('unit admins manage their unit, global rules are the security officer’s, staff none', async () => {
    const own = await unitAdmin.post('/api/console/content-rules', { unitId: unitA, name: '预算草案外发审核', kind: 'keyword', pattern: '预算草案', action: 'hold' });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ unitId: unitA, kind: 'keyword', action: 'hold', enabled: true, editable: true });
    expect((await unitAdmin.post('/api/console/content-rules', { unitId: unitB, name: 'x', kind: 'keyword', pattern: 'x', action: 'warn' })).statusCode).toBe(403);
    expect((await unitAdmin.post('/api/console/content-rules', { unitId: null, name: 'x', kind: 'keyword', pattern: 'x', action: 'warn' })).statusCode).toBe(403);
    expect((await staff.get('/api/console/content-rules')).statusCode).toBe(403);
    const global = await officer.post('/api/console/content-rules', { unitId: null, name: '全市身份证号码', kind: 'id_card', action: 'warn' });
    expect(global.statusCode, global.body).toBe(201);

    const seen = (await unitAdmin.get('/api/console/content-rules')).json() as { name: string; editable: boolean }[];
    expect(seen.map((r) => [r.name, r.editable])).toEqual([
      ['预算草案外发审核', true],
      ['全市身份证号码', false],
    ]);
    expect(((await otherAdmin.get('/api/console/content-rules')).json() as { name: string }[]).map((r) => r.name)).toEqual(['全市身份证号码']);
    expect((await otherAdmin.patch(`/api/console/content-rules/${own.json().id}`, { unitId: unitB, name: 'y', kind: 'keyword', pattern: 'y', action: 'warn' })).statusCode).toBe(404);
    expect((await otherAdmin.delete(`/api/console/content-rules/${global.json().id}`)).statusCode).toBe(404);
    expect((await officer.delete(`/api/console/content-rules/${global.json().id}`)).statusCode).toBe(204);

    const nested = await officer.post('/api/console/content-rules', { unitId: null, name: 'bad', kind: 'regex', pattern: '(a+)+$', action: 'block' });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().error.issues[0].path).toBe('pattern');
    expect((await officer.post('/api/console/content-rules', { unitId: null, name: 'bad', kind: 'regex', pattern: '([', action: 'block' })).statusCode).toBe(400);
    const audited = await t.services.db.selectFrom('audit_log').select('action').where('action', 'like', 'content_rule.%').execute();
    expect(audited.map((a) => a.action)).toEqual(['content_rule.create', 'content_rule.create', 'content_rule.delete']);
  });
});

describe('review queue', () => {
  let holdId = 0;

  it('a held message is seen by its unit admin and the security officer only', async () => {
    const sent = await staff.post('/api/send', { to: ['liu.yang@haining.gov.cn'], subject: '2027年预算草案（征求意见稿）', html: '<p>请提意见：预算草案附后。</p>' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().heldForReview).toBe(true);
    expect(await inbox(otherStaff)).toEqual([]);

    const page = (await unitAdmin.get('/api/console/outbound/holds?status=pending')).json();
    expect(page.total).toBe(1);
    holdId = page.items[0].id;
    expect(page.items[0]).toMatchObject({ sender: 'wang.fang@haining.gov.cn', recipients: ['liu.yang@haining.gov.cn'], subject: '2027年预算草案（征求意见稿）', findings: [{ check: 'content-rules', verdict: 'hold' }] });
    expect((await officer.get('/api/console/outbound/holds')).json().total).toBe(1);
    expect((await otherAdmin.get('/api/console/outbound/holds')).json().total).toBe(0);
    expect((await otherAdmin.get(`/api/console/outbound/holds/${holdId}`)).statusCode).toBe(404);
    expect((await staff.get('/api/console/outbound/holds')).statusCode).toBe(403);

    const detail = await unitAdmin.get(`/api/console/outbound/holds/${holdId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().text.map((p: { text: string }) => p.text).join('\n')).toContain('预算草案附后');
  });

  it('release delivers it once, audited', async () => {
    expect((await otherAdmin.post(`/api/console/outbound/holds/${holdId}/release`, {})).statusCode).toBe(404);
    const released = await unitAdmin.post(`/api/console/outbound/holds/${holdId}/release`, { reason: '已核实，可以发送' });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ status: 'released', decisionReason: '已核实，可以发送' });
    expect((await inbox(otherStaff)).map((m) => m.subject)).toEqual(['2027年预算草案（征求意见稿）']);
    const again = await officer.post(`/api/console/outbound/holds/${holdId}/release`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('outbound.not_pending');
    expect((await inbox(otherStaff))).toHaveLength(1);
    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'outbound.hold_release').execute();
    expect(audit.map((a) => [a.actor, a.target])).toEqual([['czj.admin@haining.gov.cn', String(holdId)]]);
  });

  it('reject tells the sender and delivers nothing', async () => {
    const sent = await staff.post('/api/send', { to: ['liu.yang@haining.gov.cn'], subject: '预算草案第二稿', html: '<p>预算草案</p>' });
    expect(sent.json().heldForReview).toBe(true);
    const id = (await officer.get('/api/console/outbound/holds?status=pending')).json().items[0].id;
    expect((await officer.post(`/api/console/outbound/holds/${id}/reject`, {})).statusCode).toBe(400);
    const rejected = await officer.post(`/api/console/outbound/holds/${id}/reject`, { reason: '涉及未公开预算，不得外发' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect((await inbox(otherStaff))).toHaveLength(1);
    const notice = (await inbox(staff)).at(-1)!;
    expect(notice).toMatchObject({ subject: '邮件未通过审核', from_address: 'postmaster@haining.gov.cn' });
    const row = await t.services.db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').select('messages.blob_hash').where('mailboxes.account_id', '=', staff.account.id).where('messages.subject', '=', '邮件未通过审核').executeTakeFirstOrThrow();
    expect(Buffer.from((await t.services.blobs.get(row.blob_hash)).toString('latin1').split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8')).toContain('涉及未公开预算，不得外发');
    expect(await t.services.db.selectFrom('audit_log').select('actor').where('action', '=', 'outbound.hold_reject').execute()).toEqual([{ actor: 'security@haining.gov.cn' }]);
  });
});

describe('outbound queue', () => {
  it('lists for outbound.manage only; retry now and cancel are audited', async () => {
    const sent = await otherStaff.post('/api/send', { to: ['partner@example.org', 'other@example.net'], subject: '会议材料', html: '<p>见附件</p>' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect((await unitAdmin.get('/api/console/outbound/queue')).statusCode).toBe(403);
    expect((await staff.get('/api/console/outbound/queue')).statusCode).toBe(403);
    const page = (await deptAdmin.get('/api/console/outbound/queue?status=queued')).json();
    expect(page.total).toBe(2);
    expect(page.counts).toMatchObject({ queued: 2 });
    const [second, first] = page.items;
    expect(first).toMatchObject({ sender: 'liu.yang@haining.gov.cn', recipient: 'partner@example.org', status: 'queued', attempts: 0 });

    await t.services.db.updateTable('outbound_queue').set({ next_attempt_at: t.services.clock.now() + 3600_000 }).where('id', '=', first.id).execute();
    const retried = await deptAdmin.post(`/api/console/outbound/queue/${first.id}/retry`, {});
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json().nextAttemptAt).toBeLessThanOrEqual(t.services.clock.now());

    const cancelled = await officer.post(`/api/console/outbound/queue/${second.id}/cancel`, { reason: '误发' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', lastError: 'cancelled: 误发' });
    expect((await officer.post(`/api/console/outbound/queue/${second.id}/cancel`, {})).statusCode).toBe(409);
    expect((await officer.post('/api/console/outbound/queue/999999/retry', {})).statusCode).toBe(404);
    expect((await deptAdmin.get('/api/console/outbound/queue?q=example.net')).json().items.map((i: { recipient: string }) => i.recipient)).toEqual(['other@example.net']);
    const audit = await t.services.db.selectFrom('audit_log').select(['action', 'actor']).where('action', 'in', ['outbound.retry', 'outbound.cancel']).execute();
    expect(audit).toEqual([
      { action: 'outbound.retry', actor: 'dsj.admin@haining.gov.cn' },
      { action: 'outbound.cancel', actor: 'security@haining.gov.cn' },
    ]);
  });
});
