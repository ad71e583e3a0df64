/**
 * Incidents over the API (SPEC Art. 4.3): reporting from the webmail and 我的报告 (only one's
 * own), the officer's life cycle with timers and overdue, response actions (each needs a
 * reason, is audited and on the timeline), revoked sessions answering 401, locking through the
 * account life cycle, the verdict in the reporter's INBOX — and who may do what: staff neither
 * list others' incidents nor act, the auditor reads and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock.js';
import type { Account } from '../../../storage/database.js';
import { createTestHttp, TEST_ADDRESS, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { buildMail, deliver, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';

const SYSTEM = { address: 'system', via: 'cli' } as const;
const clock = new ManualClock(Date.UTC(2026, 10, 29, 1, 0, 0));
let t: TestHttp;
let staff: ApiClient;
let other: ApiClient;
let officer: ApiClient;
let auditor: ApiClient;
let unitAdmin: ApiClient;
let lina: Account;
let incidentId: number;

async function person(address: string, displayName: string, roles: ('security_officer' | 'auditor' | 'unit_admin')[] = []): Promise<Account> {
  return t.services.directory.createAccount({ address, displayName, unitCode: 'hn', password: TEST_PASSWORD, roles: ['staff', ...roles] }, SYSTEM);
}

beforeAll(async () => {
  t = await createTestHttp({ clock, http: { sessionIdleMinutes: 24 * 60 } });
  lina = await person('lina@haining.gov.cn', '李娜');
  await person('anquan@haining.gov.cn', '安全员', ['security_officer']);
  await person('shenji@haining.gov.cn', '审计员', ['auditor']);
  await person('danwei@haining.gov.cn', '单位管理员', ['unit_admin']);
  staff = await signIn(t);
  other = await signIn(t, 'lina@haining.gov.cn');
  officer = await signIn(t, 'anquan@haining.gov.cn');
  auditor = await signIn(t, 'shenji@haining.gov.cn');
  unitAdmin = await signIn(t, 'danwei@haining.gov.cn');
});

afterAll(async () => {
  await t?.close();
});

async function auditActions(prefix: string): Promise<string[]> {
  const rows = await t.services.db.selectFrom('audit_log').select('action').where('action', 'like', `${prefix}%`).execute();
  return rows.map((r) => r.action);
}

describe('reporting (webmail)', () => {
  it('reports a suspicious mail from the reading pane; the message moves to 垃圾邮件 and stays', async () => {
    await deliver(t, await buildMail({ from: { name: '网银中心', address: 'alert@bank-secure.example' }, to: [TEST_ADDRESS], subject: '您的账户已冻结', text: '请立即登录验证', headers: { 'Message-ID': '<freeze-1@bank-secure.example>' } }), [TEST_ADDRESS]);
    const messageId = await newestMessageId(t, staff.account.id);
    const response = await staff.post('/api/incidents', { kind: 'suspicious_mail', description: '', messageId, moveToJunk: true });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json() as { id: number; state: string; message: { subject: string; from: string }; verdict: null };
    expect(body).toMatchObject({ state: 'reported', message: { subject: '您的账户已冻结', from: 'alert@bank-secure.example' }, verdict: null });
    incidentId = body.id;
    const junk = await t.services.mail.getMailbox(staff.account.id, 'Junk');
    expect((await t.services.mail.listMessages(staff.account.id, junk.id)).map((m) => m.subject)).toEqual(['您的账户已冻结']);
    expect(await auditActions('incident.report')).toHaveLength(1);
  });

  it('refuses someone else\'s message (404) and an empty report (400)', async () => {
    const messageId = await newestMessageId(t, staff.account.id, 'Junk');
    expect((await other.post('/api/incidents', { kind: 'suspicious_mail', messageId })).statusCode).toBe(404);
    expect((await other.post('/api/incidents', { kind: 'device_lost', description: '  ' })).statusCode).toBe(400);
    expect((await other.post('/api/incidents', { kind: 'nonsense', description: 'x' })).statusCode).toBe(400);
  });

  it('我的报告 shows only one\'s own incidents; another\'s id is 404', async () => {
    expect(((await staff.get('/api/incidents')).json() as { id: number }[]).map((i) => i.id)).toEqual([incidentId]);
    expect((await other.get('/api/incidents')).json()).toEqual([]);
    expect((await other.get(`/api/incidents/${incidentId}`)).statusCode).toBe(404);
    expect((await staff.get(`/api/incidents/${incidentId}`)).statusCode).toBe(200);
  });
});

describe('authorisation', () => {
  const actions = (id: number) => [
    [`/api/console/incidents/${id}/transition`, { action: 'triage', reason: 'x' }],
    [`/api/console/incidents/${id}/actions/purge`, { by: 'message_id', reason: 'x' }],
    [`/api/console/incidents/${id}/actions/block-sender`, { pattern: 'bank-secure.example', reason: 'x' }],
    [`/api/console/incidents/${id}/actions/revoke-sessions`, { account: TEST_ADDRESS, reason: 'x' }],
    [`/api/console/incidents/${id}/actions/lock-account`, { account: TEST_ADDRESS, reason: 'x' }],
    [`/api/console/incidents/${id}/actions/force-password-reset`, { account: TEST_ADDRESS, reason: 'x' }],
  ] as const;

  it('staff cannot list or read incidents in the console, nor run any action', async () => {
    expect((await staff.get('/api/console/incidents')).statusCode).toBe(403);
    expect((await staff.get(`/api/console/incidents/${incidentId}`)).statusCode).toBe(403);
    for (const [url, body] of actions(incidentId)) expect((await staff.post(url, body)).statusCode, url).toBe(403);
  });

  it('the auditor reads incidents and changes nothing (三员分立)', async () => {
    expect((await auditor.get('/api/console/incidents')).statusCode).toBe(200);
    expect((await auditor.get(`/api/console/incidents/${incidentId}`)).statusCode).toBe(200);
    for (const [url, body] of actions(incidentId)) expect((await auditor.post(url, body)).statusCode, url).toBe(403);
    expect((await auditor.post(`/api/console/incidents/${incidentId}/notes`, { text: 'x' })).statusCode).toBe(403);
    const detail = (await officer.get(`/api/console/incidents/${incidentId}`)).json() as { state: string; timeline: unknown[] };
    expect(detail.state).toBe('reported');
    expect(await auditActions('security.')).toEqual([]);
    expect(await t.services.db.selectFrom('sender_blocks').select('id').execute()).toEqual([]);
  });

  it('a unit administrator (who may lock accounts of the unit) may not act on incidents', async () => {
    for (const [url, body] of actions(incidentId)) expect((await unitAdmin.post(url, body)).statusCode, url).toBe(403);
  });

  it('the console menu offers incidents by policy', async () => {
    const officerActions = ((await officer.get('/api/console/me')).json() as { actions: string[] }).actions;
    expect(officerActions).toEqual(expect.arrayContaining(['security.incidents', 'security.incidents_view', 'security.purge_message']));
    const auditorActions = ((await auditor.get('/api/console/me')).json() as { actions: string[] }).actions;
    expect(auditorActions).toContain('security.incidents_view');
    expect(auditorActions).not.toContain('security.incidents');
  });
});

describe('the officer: life cycle and timers', () => {
  it('refuses illegal transitions with 409 and unknown ids with 404', async () => {
    const res = await officer.post(`/api/console/incidents/${incidentId}/transition`, { action: 'contain' });
    expect(res.statusCode).toBe(409);
    expect((res.json() as { error: { code: string } }).error.code).toBe('incident.illegal_transition');
    expect((await officer.get('/api/console/incidents/999999')).statusCode).toBe(404);
  });

  it('shows an incident overdue once its state outlives the SLA', async () => {
    expect(((await officer.get('/api/console/incidents?overdue=1')).json() as { total: number }).total).toBe(0);
    clock.advance(61 * 60_000);
    const page = (await officer.get('/api/console/incidents?overdue=1')).json() as { items: { id: number; overdue: boolean }[]; summary: { overdue: number; byState: Record<string, number> } };
    expect(page.items.map((i) => [i.id, i.overdue])).toEqual([[incidentId, true]]);
    expect(page.summary).toMatchObject({ overdue: 1, byState: { reported: 1 } });
  });

  it('triage assigns the officer, resets the timer, and records time spent per state', async () => {
    const res = await officer.post(`/api/console/incidents/${incidentId}/transition`, { action: 'triage', reason: '确认为仿冒网银' });
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json() as { state: string; overdue: boolean; owner: { address: string }; timeInStates: Record<string, number>; transitions: string[]; timeline: { kind: string; reason: string | null }[] };
    expect(detail).toMatchObject({ state: 'triaged', overdue: false, owner: { address: 'anquan@haining.gov.cn' }, transitions: ['contain', 'resolve'] });
    expect(detail.timeInStates.reported).toBe(61 * 60_000);
    expect(detail.timeline.map((e) => e.kind)).toEqual(['reported', 'moved_to_junk', 'transition']);
    expect(((await officer.get('/api/console/incidents?state=triaged')).json() as { total: number }).total).toBe(1);
    expect(((await officer.get('/api/console/incidents?state=reported')).json() as { total: number }).total).toBe(0);
  });
});

describe('the officer: response actions', () => {
  it('every action needs a reason', async () => {
    const res = await officer.post(`/api/console/incidents/${incidentId}/actions/revoke-sessions`, { account: TEST_ADDRESS, reason: ' ' });
    expect(res.statusCode).toBe(400);
  });

  it('revoking sessions ends every web session of the account: the revoked cookie gets 401', async () => {
    const second = await signIn(t);
    expect((await staff.get('/api/incidents')).statusCode).toBe(200);
    const res = await officer.post(`/api/console/incidents/${incidentId}/actions/revoke-sessions`, { account: TEST_ADDRESS, reason: '疑似凭据泄露' });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { sessionsRevoked: number }).sessionsRevoked).toBe(2);
    expect((await staff.get('/api/incidents')).statusCode).toBe(401);
    expect((await second.get('/api/mailboxes')).statusCode).toBe(401);
    expect((await officer.get('/api/incidents')).statusCode).toBe(200);
    staff = await signIn(t);
  });

  it('forcing a password reset marks the account and ends its sessions', async () => {
    const res = await officer.post(`/api/console/incidents/${incidentId}/actions/force-password-reset`, { account: TEST_ADDRESS, reason: '密码可能已泄露' });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { sessionsRevoked: number }).sessionsRevoked).toBe(1);
    const row = await t.services.db.selectFrom('forced_password_resets').selectAll().where('account_id', '=', staff.account.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ incident_id: incidentId, required_by: 'anquan@haining.gov.cn', reason: '密码可能已泄露' });
    // The owner is sent a one-time reset link too (password-reset.ts), shown once to the officer.
    const link = (res.json() as { resetLink: { url: string; mailed: boolean } }).resetLink;
    expect(link.mailed).toBe(true);
    expect(link.url).toMatch(/\/reset\/[A-Za-z0-9_-]{43}$/);
    expect(await t.services.db.selectFrom('password_reset_tokens').select('created_by').where('account_id', '=', staff.account.id).execute()).toEqual([{ created_by: 'anquan@haining.gov.cn' }]);
    // Signing in again works, but nothing else until the password is changed (SPEC 4.1).
    staff = await signIn(t);
    const gated = await staff.get('/api/incidents');
    expect(gated.statusCode).toBe(403);
    expect(gated.json()).toMatchObject({ error: { code: 'auth.password_change_required' } });
    const changed = await staff.post('/api/settings/password', { current: TEST_PASSWORD, next: 'Yanguan-Tide#2027' });
    expect(changed.statusCode, changed.body).toBe(204);
    staff = await signIn(t, TEST_ADDRESS, 'Yanguan-Tide#2027');
    expect((await staff.get('/api/incidents')).statusCode).toBe(200);
  });

  it('locking goes through the account life cycle; locking again is refused (409)', async () => {
    const res = await officer.post(`/api/console/incidents/${incidentId}/actions/lock-account`, { account: lina.address, reason: '账号异常登录' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'locked' });
    expect((await t.services.directory.getAccount(lina.address)).state).toBe('locked');
    expect((await other.get('/api/incidents')).statusCode).toBe(401);
    const history = await t.services.lifecycle.history(lina.id);
    expect(history.at(-1)).toMatchObject({ action: 'lock', actor: 'anquan@haining.gov.cn', reason: `账号异常登录（安全事件 #${incidentId}）` });
    expect((await officer.post(`/api/console/incidents/${incidentId}/actions/lock-account`, { account: lina.address, reason: '再次' })).statusCode).toBe(409);
    expect((await officer.post(`/api/console/incidents/${incidentId}/actions/lock-account`, { account: 'nobody@haining.gov.cn', reason: 'x' })).statusCode).toBe(404);
  });

  it('blocks a domain; a bad pattern is refused', async () => {
    expect((await officer.post(`/api/console/incidents/${incidentId}/actions/block-sender`, { pattern: 'not a domain', reason: 'x' })).statusCode).toBe(400);
    const res = await officer.post(`/api/console/incidents/${incidentId}/actions/block-sender`, { pattern: 'bank-secure.example', reason: '仿冒网银' });
    expect(res.statusCode, res.body).toBe(200);
    const list = (await officer.get('/api/console/sender-blocks')).json() as { pattern: string; incidentId: number }[];
    expect(list).toEqual([expect.objectContaining({ pattern: 'bank-secure.example', incidentId })]);
  });

  it('purges the reported message by its Message-ID (the reporter\'s Junk copy too)', async () => {
    const res = await officer.post(`/api/console/incidents/${incidentId}/actions/purge`, { by: 'message_id', reason: '仿冒网银钓鱼' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ count: 1, accounts: 1, value: '<freeze-1@bank-secure.example>' });
    const junk = await t.services.mail.getMailbox(staff.account.id, 'Junk');
    expect(await t.services.mail.listMessages(staff.account.id, junk.id)).toEqual([]);
  });

  it('every action is audited with who and why, and is on the timeline', async () => {
    const rows = await t.services.db.selectFrom('audit_log').selectAll().where('action', 'like', 'security.%').orderBy('id').execute();
    expect(rows.map((r) => r.action)).toEqual(['security.revoke_sessions', 'security.force_password_reset', 'security.lock_account', 'security.block_sender', 'security.purge_message']);
    for (const row of rows) {
      expect(row.actor).toBe('anquan@haining.gov.cn');
      expect(row.target).toBe(`incident:${incidentId}`);
      expect((JSON.parse(row.details) as { reason: string }).reason.length).toBeGreaterThan(0);
    }
    const detail = (await officer.get(`/api/console/incidents/${incidentId}`)).json() as { timeline: { kind: string }[] };
    expect(detail.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['revoke_sessions', 'force_password_reset', 'lock_account', 'block_sender', 'purge_message']));
  });
});

describe('resolution and the verdict', () => {
  it('resolving needs a verdict; the reporter receives it in INBOX and on 我的报告', async () => {
    expect((await officer.post(`/api/console/incidents/${incidentId}/transition`, { action: 'contain', reason: '已清除邮件并封禁域名' })).statusCode).toBe(200);
    expect((await officer.post(`/api/console/incidents/${incidentId}/transition`, { action: 'resolve' })).statusCode).toBe(400);
    const res = await officer.post(`/api/console/incidents/${incidentId}/transition`, { action: 'resolve', verdict: '确认为钓鱼邮件，已从所有邮箱清除并封禁发件域名。' });
    expect(res.statusCode, res.body).toBe(200);

    const inbox = await t.services.mail.getMailbox(staff.account.id, 'INBOX');
    const notice = (await t.services.mail.listMessages(staff.account.id, inbox.id)).at(-1)!;
    expect(notice.subject).toContain(`#${incidentId}`);
    expect(notice.from_address).toBe('security@haining.gov.cn');
    expect((await t.services.blobs.get(notice.blob_hash)).toString('utf8')).toContain('X-Govmail-Incident');
    const mine = (await staff.get(`/api/incidents/${incidentId}`)).json() as { state: string; verdict: string };
    expect(mine).toMatchObject({ state: 'resolved', verdict: '确认为钓鱼邮件，已从所有邮箱清除并封禁发件域名。' });
  });

  it('a resolved incident takes no more actions (409) until reopened; review closes it', async () => {
    const res = await officer.post(`/api/console/incidents/${incidentId}/actions/purge`, { by: 'message_id', reason: 'x' });
    expect(res.statusCode).toBe(409);
    expect((res.json() as { error: { code: string } }).error.code).toBe('incident.closed');
    const reviewed = await officer.post(`/api/console/incidents/${incidentId}/transition`, { action: 'review', reason: '复盘完成' });
    expect((reviewed.json() as { state: string; deadline: string | null; transitions: string[] })).toMatchObject({ state: 'reviewed', deadline: null, transitions: [] });
    expect((await officer.post(`/api/console/incidents/${incidentId}/transition`, { action: 'reopen' })).statusCode).toBe(409);
  });
});
