/**
 * Administrator reset by one-time link (SPEC Art. 4.1 "administrators never see one, only send a
 * reset") and the console's 密码策略, over the real app (`app.inject`), the real database and an
 * injected clock: the token is stored only hashed, works once, expires, asks for the work-ID
 * number on record, goes through the one policy check (history included); using it ends every
 * session, clears lockout and the forced-reset gate; every step is audited; a unit admin of
 * another unit, the auditor and staff are refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock.js';
import { sha256Hex } from '../../../platform/crypto.js';
import type { Role } from '../../../storage/database.js';
import { createTestHttp, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { signIn, type ApiClient } from '../../test-webmail.js';

const HOUR = 60 * 60 * 1000;
const NEW_PASSWORD = 'Yanguan-Tide#2027';

let t: TestHttp;
let clock: ManualClock;
const ids: Record<string, number> = {};

async function person(address: string, name: string, unitCode: string, roles: Role[] = ['staff']) {
  const account = await t.services.directory.createAccount({ address, displayName: name, unitCode, password: TEST_PASSWORD, roles }, { address: 'system', via: 'cli' });
  ids[address.split('@')[0]!] = account.id;
  return account;
}

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 29, 2, 0, 0));
  t = await createTestHttp({ clock });
  const actor = { address: 'system', via: 'cli' } as const;
  await t.services.directory.createUnit({ code: 'czj', name: '财政局', parentCode: 'hn' }, actor);
  await t.services.directory.createUnit({ code: 'jyj', name: '教育局', parentCode: 'hn' }, actor);
  await person('admin@haining.gov.cn', '系统管理员', 'hn', ['dept_admin']);
  await person('shenji@haining.gov.cn', '审计员', 'hn', ['auditor']);
  await person('anquan@haining.gov.cn', '安全员', 'hn', ['security_officer']);
  await person('czadmin@haining.gov.cn', '财政管理员', 'czj', ['unit_admin']);
  await person('jyadmin@haining.gov.cn', '教育管理员', 'jyj', ['unit_admin']);
  await person('liuyang@haining.gov.cn', '刘洋', 'czj');
  await person('chenjing@haining.gov.cn', '陈静', 'jyj');
});
afterEach(async () => {
  await t.close();
});

/** `null`: a body without a reason. */
const sendLink = (client: ApiClient, address: string, reason: string | null = '本人忘记密码，电话核实身份') =>
  client.post(`/api/console/accounts/${encodeURIComponent(address)}/password-reset`, reason === null ? {} : { reason });
const info = (token: string) => t.app.inject({ method: 'GET', url: `/api/password-reset/${token}` });
const reset = (token: string, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/password-reset/${token}`, payload: body });
const signInAs = (address: string, password: string) => t.app.inject({ method: 'POST', url: '/api/session', payload: { address, password } });
const tokenOf = (url: string) => url.split('/reset/')[1]!;

async function issue(address = 'liuyang@haining.gov.cn', by = 'czadmin@haining.gov.cn'): Promise<string> {
  const admin = await signIn(t, by);
  const res = await sendLink(admin, address);
  expect(res.statusCode, res.body).toBe(200);
  return tokenOf((res.json() as { url: string }).url);
}

describe('sending a reset link', () => {
  it('the unit admin sends one: shown once, mailed into the INBOX, stored hashed, audited with who/whom/why', async () => {
    const admin = await signIn(t, 'czadmin@haining.gov.cn');
    const res = await sendLink(admin, 'liuyang@haining.gov.cn');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { address: string; path: string; url: string; expiresAt: number; mailed: boolean };
    expect(body).toMatchObject({ address: 'liuyang@haining.gov.cn', mailed: true, expiresAt: clock.now() + 24 * HOUR });
    const token = tokenOf(body.url);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.path).toBe(`/reset/${token}`);

    // Hashed at rest: the database holds the SHA-256, never the token, in any column of any row.
    const rows = await t.services.db.selectFrom('password_reset_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ account_id: ids.liuyang, token_hash: sha256Hex(token), created_by: 'czadmin@haining.gov.cn', reason: '本人忘记密码，电话核实身份', used_at: null, revoked_at: null });
    for (const table of ['password_reset_tokens', 'audit_log'] as const) {
      const dump = JSON.stringify(await t.services.db.selectFrom(table).selectAll().execute());
      expect(dump).not.toContain(token);
    }

    // The notice with the link is in the person's INBOX (through the mail domain).
    const inbox = await t.services.mail.getMailbox(ids.liuyang!, 'INBOX');
    const messages = await t.services.mail.listMessages(ids.liuyang!, inbox.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe('重设密码链接（一次有效）');
    const raw = (await t.services.blobs.get(messages[0]!.blob_hash)).toString('utf8');
    expect(raw).toContain('Auto-Submitted: auto-generated');

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.password_reset_link').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'czadmin@haining.gov.cn', target: 'liuyang@haining.gov.cn', outcome: 'success' });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ reason: '本人忘记密码，电话核实身份', mailed: true, handedTo: 'czadmin@haining.gov.cn' });
  });

  it('needs a reason', async () => {
    const admin = await signIn(t, 'czadmin@haining.gov.cn');
    for (const reason of [null, '', ' ']) expect((await sendLink(admin, 'liuyang@haining.gov.cn', reason)).statusCode).toBe(400);
    expect(await t.services.db.selectFrom('password_reset_tokens').selectAll().execute()).toHaveLength(0);
  });

  it('a unit admin of another unit gets 404, the auditor and staff are refused, nobody unknown is found', async () => {
    const other = await signIn(t, 'jyadmin@haining.gov.cn');
    const res = await sendLink(other, 'liuyang@haining.gov.cn');
    expect(res.statusCode).toBe(404);
    // The same answer as an address that does not exist: nothing to probe.
    expect((await sendLink(other, 'nobody@haining.gov.cn')).json()).toEqual(res.json());
    const auditor = await signIn(t, 'shenji@haining.gov.cn');
    expect((await sendLink(auditor, 'liuyang@haining.gov.cn')).statusCode).toBe(403);
    const staff = await signIn(t, 'chenjing@haining.gov.cn');
    expect((await sendLink(staff, 'liuyang@haining.gov.cn')).statusCode).toBe(404);
    expect((await sendLink(staff, 'chenjing@haining.gov.cn')).statusCode).toBe(403);
    expect(await t.services.db.selectFrom('password_reset_tokens').selectAll().execute()).toHaveLength(0);
    // The department admin and the security officer reach everyone.
    for (const who of ['admin@haining.gov.cn', 'anquan@haining.gov.cn']) expect((await sendLink(await signIn(t, who), 'chenjing@haining.gov.cn')).statusCode).toBe(200);
  });

  it('a new link revokes the earlier unused one', async () => {
    const first = await issue();
    const second = await issue();
    expect((await info(first)).statusCode).toBe(404);
    expect((await info(second)).statusCode).toBe(200);
    const rows = await t.services.db.selectFrom('password_reset_tokens').selectAll().orderBy('id').execute();
    expect(rows[0]!.revoked_at).toBe(clock.now());
    expect(rows[1]!.revoked_at).toBeNull();
  });

  it('a pending account gets an activation link, not a reset', async () => {
    const pending = await t.services.directory.createAccount({ address: 'xinren@haining.gov.cn', displayName: '新人', unitCode: 'czj', password: TEST_PASSWORD }, { address: 'system', via: 'cli' });
    await t.services.db.updateTable('accounts').set({ state: 'pending_activation' }).where('id', '=', pending.id).execute();
    const res = await sendLink(await signIn(t, 'czadmin@haining.gov.cn'), 'xinren@haining.gov.cn');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('激活');
  });
});

describe('using a reset link', () => {
  it('shows only the masked address and the policy; refuses a weak password per rule; a good one works once', async () => {
    const staff = await signIn(t, 'liuyang@haining.gov.cn');
    const token = await issue();
    const shown = await info(token);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({ maskedAddress: 'li***@haining.gov.cn', expiresAt: clock.now() + 24 * HOUR, asksWorkId: false, policy: expect.arrayContaining(['密码至少 12 位']), minLength: 12 });
    expect(shown.body).not.toContain('liuyang');
    expect(shown.body).not.toContain('刘洋');

    // Weak: each broken rule is an issue on the field.
    const weak = await reset(token, { newPassword: 'liuyang123' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('policy.refused');
    const issues = weak.json().error.issues as { path: string; message: string }[];
    expect(issues.every((i) => i.path === 'newPassword')).toBe(true);
    expect(issues.map((i) => i.message)).toEqual(expect.arrayContaining(['密码至少 12 位', '密码不能包含邮箱地址（@ 前的部分）']));
    // Reuse of the current password is refused too (history).
    const reused = await reset(token, { newPassword: TEST_PASSWORD });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.issues[0].message).toContain('最近');

    // Lockout counters and a forced reset are cleared by the reset.
    await t.services.db.updateTable('accounts').set({ lockout_count: 3, locked_until: clock.now() + HOUR }).where('id', '=', ids.liuyang!).execute();
    await t.services.db.insertInto('forced_password_resets').values({ account_id: ids.liuyang!, incident_id: null, required_by: 'anquan@haining.gov.cn', reason: '疑似泄露', required_at: clock.now() }).execute();
    await t.services.db.insertInto('auth_failures').values({ account_id: ids.liuyang!, login: 'liuyang@haining.gov.cn', ip: '10.0.0.9', at: clock.now() }).execute();

    clock.advance(HOUR);
    const done = await reset(token, { newPassword: NEW_PASSWORD });
    expect(done.statusCode, done.body).toBe(204);

    // Every session ended; the old password is refused everywhere, the new one works.
    expect((await staff.get('/api/settings')).statusCode).toBe(401);
    expect(await t.services.db.selectFrom('web_sessions').select('token_hash').where('account_id', '=', ids.liuyang!).execute()).toHaveLength(0);
    expect((await signInAs('liuyang@haining.gov.cn', TEST_PASSWORD)).statusCode).toBe(401);
    expect(await t.services.auth.authenticate({ login: 'liuyang@haining.gov.cn', password: NEW_PASSWORD, protocol: 'imap' })).toMatchObject({ ok: true });
    const account = await t.services.directory.getAccount('liuyang@haining.gov.cn');
    expect(account).toMatchObject({ lockout_count: 0, locked_until: null, password_changed_at: clock.now() });
    expect(await t.services.db.selectFrom('forced_password_resets').selectAll().where('account_id', '=', ids.liuyang!).execute()).toHaveLength(0);
    expect((await t.services.auth.passwordStatus(account)).state).toBe('ok');
    const again = await signIn(t, 'liuyang@haining.gov.cn', NEW_PASSWORD);
    expect((await again.get('/api/settings')).statusCode).toBe(200);

    // Single use.
    expect((await info(token)).statusCode).toBe(404);
    const second = await reset(token, { newPassword: 'Another#Harbour2028' });
    expect(second.statusCode).toBe(404);
    expect(second.json().error.code).toBe('reset.invalid');
    expect((await t.services.db.selectFrom('password_reset_tokens').select('used_at').executeTakeFirstOrThrow()).used_at).toBe(clock.now());

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.password_reset').where('outcome', '=', 'success').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'liuyang@haining.gov.cn', target: 'liuyang@haining.gov.cn' });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ via: 'reset_link', sessionsEnded: 1 });
  });

  it('expires after resetLinkHours by the injected clock', async () => {
    const token = await issue();
    clock.advance(24 * HOUR - 1);
    expect((await info(token)).statusCode).toBe(200);
    clock.advance(1);
    const expired = await info(token);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('reset.expired');
    expect((await reset(token, { newPassword: NEW_PASSWORD })).statusCode).toBe(410);
    expect((await signInAs('liuyang@haining.gov.cn', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('asks for the work-ID number on record; a wrong one is refused and audited', async () => {
    await t.services.db.insertInto('account_profiles').values({ account_id: ids.liuyang!, work_id: 'CZ-2019-044', mobile: null, id_card_hash: null, application_id: null, aup_version: null, aup_accepted_at: null, activated_at: null, updated_at: clock.now() }).execute();
    const token = await issue();
    expect((await info(token)).json()).toMatchObject({ asksWorkId: true });
    for (const workIdNumber of [undefined, 'CZ-2019-045']) {
      const res = await reset(token, { newPassword: NEW_PASSWORD, ...(workIdNumber ? { workIdNumber } : {}) });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.issues[0].path).toBe('workIdNumber');
    }
    expect((await signInAs('liuyang@haining.gov.cn', NEW_PASSWORD)).statusCode).toBe(401);
    const failures = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.password_reset').where('outcome', '=', 'failure').execute();
    expect(failures).toHaveLength(2);
    expect((await reset(token, { newPassword: NEW_PASSWORD, workIdNumber: 'cz-2019-044' })).statusCode).toBe(204);
    expect((await signInAs('liuyang@haining.gov.cn', NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('rejects malformed and unknown tokens alike', async () => {
    for (const token of ['x', 'A'.repeat(43), `${'A'.repeat(42)}!`]) expect((await info(token)).statusCode).toBe(404);
  });
});

describe('the incident action "force password reset"', () => {
  it('also sends the owner a reset link that clears the gate', async () => {
    const reporter = { id: ids.liuyang!, address: 'liuyang@haining.gov.cn' };
    const incident = await t.services.incidents.report(reporter, { kind: 'account_compromised', description: '我的密码可能已泄露' }, { address: reporter.address, accountId: reporter.id, via: 'web' });
    const result = await t.services.incidentResponse.forcePasswordReset(
      incident.id,
      { id: ids.liuyang!, address: 'liuyang@haining.gov.cn', state: 'active' },
      { reason: '密码可能已泄露' },
      { address: 'anquan@haining.gov.cn', accountId: ids.anquan!, via: 'web' },
    );
    expect(result.resetLink?.mailed).toBe(true);
    const token = tokenOf(result.resetLink!.url);
    expect((await t.services.auth.passwordStatus(await t.services.directory.getAccount('liuyang@haining.gov.cn'))).state).toBe('forced');
    expect((await reset(token, { newPassword: NEW_PASSWORD })).statusCode).toBe(204);
    expect((await t.services.auth.passwordStatus(await t.services.directory.getAccount('liuyang@haining.gov.cn'))).state).toBe('ok');
    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.password_reset_link').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('anquan@haining.gov.cn');
    expect(JSON.parse(audit.details)).toMatchObject({ incidentId: incident.id });

    // An account still pending activation is marked, but gets no link (its activation link is the way in).
    const pending = await person('xinren@haining.gov.cn', '新人', 'czj');
    await t.services.db.updateTable('accounts').set({ state: 'pending_activation' }).where('id', '=', pending.id).execute();
    const none = await t.services.incidentResponse.forcePasswordReset(incident.id, { id: pending.id, address: pending.address, state: 'pending_activation' }, { reason: '一并处理' }, { address: 'anquan@haining.gov.cn', accountId: ids.anquan!, via: 'web' });
    expect(none.resetLink).toBeNull();
    expect(await t.services.db.selectFrom('password_reset_tokens').selectAll().where('account_id', '=', pending.id).execute()).toHaveLength(0);
    expect(await t.services.db.selectFrom('forced_password_resets').selectAll().where('account_id', '=', pending.id).execute()).toHaveLength(1);
  });
});

describe('the console 密码策略', () => {
  const policy = { minLength: 16, minClasses: 3, historyCount: 8, maxAgeDays: 180, reminderDays: [7, 14, 1] };
  const put = (client: ApiClient, body: unknown) => t.app.inject({ method: 'PUT', url: '/api/console/password-policy', headers: { cookie: `govmail_session=${client.cookie}`, 'x-csrf-token': client.csrfToken }, payload: body as object });

  it('the department admin changes it: stored, audited before/after, enforced at once', async () => {
    const admin = await signIn(t, 'admin@haining.gov.cn');
    const before = await admin.get('/api/console/password-policy');
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ minLength: 12, minClasses: 3, historyCount: 5, maxAgeDays: 90, reminderDays: [14, 7, 1], source: 'config' });

    const saved = await put(admin, policy);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ ...policy, reminderDays: [14, 7, 1], source: 'settings', rules: expect.arrayContaining(['密码至少 16 位']) });
    const row = await t.services.db.selectFrom('settings').select('value').where('key', '=', 'auth.password_policy').executeTakeFirstOrThrow();
    expect(JSON.parse(row.value)).toEqual({ ...policy, reminderDays: [14, 7, 1] });
    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.password_policy').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('admin@haining.gov.cn');
    expect(JSON.parse(audit.details)).toMatchObject({ before: { minLength: 12, historyCount: 5, maxAgeDays: 90 }, after: { minLength: 16, historyCount: 8, maxAgeDays: 180 } });

    // At once: a 15-character password that passed before is refused by the change and by a reset; 16 pass.
    const sixteen = 'Haichao#Qian2027';
    expect(sixteen).toHaveLength(16);
    const staff = await signIn(t, 'liuyang@haining.gov.cn');
    const short = 'Haichao#Qian202';
    const change = await staff.post('/api/settings/password', { current: TEST_PASSWORD, next: short });
    expect(change.statusCode).toBe(400);
    expect(change.json().error.message).toContain('密码至少 16 位');
    const token = await issue();
    const refused = await reset(token, { newPassword: short });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.issues.map((i: { message: string }) => i.message)).toContain('密码至少 16 位');
    expect((await reset(token, { newPassword: sixteen })).statusCode).toBe(204);
    // And expiry follows the new period (180 days).
    const account = await t.services.directory.getAccount('liuyang@haining.gov.cn');
    expect((await t.services.auth.passwordStatus(account)).expiresAt).toBe(clock.now() + 180 * 24 * HOUR);
  });

  it('the security officer may change it; the unit admin, the auditor and staff may not', async () => {
    expect((await put(await signIn(t, 'anquan@haining.gov.cn'), policy)).statusCode).toBe(200);
    for (const who of ['czadmin@haining.gov.cn', 'shenji@haining.gov.cn', 'liuyang@haining.gov.cn']) {
      const client = await signIn(t, who);
      expect((await client.get('/api/console/password-policy')).statusCode).toBe(403);
      expect((await put(client, { ...policy, minLength: 8 })).statusCode).toBe(403);
    }
    const row = await t.services.db.selectFrom('settings').select('value').where('key', '=', 'auth.password_policy').executeTakeFirstOrThrow();
    expect(JSON.parse(row.value).minLength).toBe(16);
  });

  it('refuses figures out of bounds, naming the field', async () => {
    const admin = await signIn(t, 'admin@haining.gov.cn');
    const cases: [Record<string, unknown>, string][] = [
      [{ minLength: 7 }, 'minLength'],
      [{ minLength: 65 }, 'minLength'],
      [{ minClasses: 1 }, 'minClasses'],
      [{ minClasses: 5 }, 'minClasses'],
      [{ historyCount: 25 }, 'historyCount'],
      [{ maxAgeDays: 10 }, 'maxAgeDays'],
      [{ maxAgeDays: 400 }, 'maxAgeDays'],
      [{ maxAgeDays: 30, reminderDays: [30] }, 'reminderDays'],
    ];
    for (const [change, field] of cases) {
      const res = await put(admin, { ...policy, ...change });
      expect(res.statusCode, JSON.stringify(change)).toBe(400);
      expect(res.json().error.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    const none = await put(admin, { ...policy, historyCount: 0, maxAgeDays: 0, reminderDays: [] });
    expect(none.statusCode).toBe(200);
    // No history kept: no reuse rule stated.
    expect((none.json() as { rules: string[] }).rules.some((r) => r.includes('最近'))).toBe(false);
    expect(await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.password_policy').execute()).toHaveLength(1);
  });
});
