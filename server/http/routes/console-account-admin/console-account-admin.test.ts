/**
 * Administering accounts from the console (SPEC Art. 2 states, Art. 3.6 transfer): lock/unlock,
 * suspend/resume, transfer, quota — each authorised by the policy (a unit admin of A cannot touch
 * B's people; the auditor changes nothing), each needing a reason and leaving an audit row; a
 * locked or suspended person's sessions end and no protocol lets them sign in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../storage/database.js';
import { createTestHttp, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { buildMail, deliver, signIn, type ApiClient } from '../../test-webmail.js';

let t: TestHttp;
const ids: Record<string, number> = {};

async function person(address: string, name: string, unitCode: string, roles: Role[] = ['staff']) {
  const account = await t.services.directory.createAccount({ address, displayName: name, unitCode, password: TEST_PASSWORD, roles }, { address: 'system', via: 'cli' });
  ids[address.split('@')[0]!] = account.id;
  return account;
}

beforeEach(async () => {
  t = await createTestHttp();
  const actor = { address: 'system', via: 'cli' } as const;
  await t.services.directory.createUnit({ code: 'czj', name: '财政局', parentCode: 'hn', contactAddress: 'czj-office@haining.gov.cn' }, actor);
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

const lock = (client: ApiClient, id: number, reason = '疑似账号被盗用') => client.post(`/api/console/accounts/${id}/lock`, { reason });

async function stateOf(id: number) {
  return (await t.services.db.selectFrom('accounts').select(['state', 'unit_id', 'quota_bytes']).where('id', '=', id).executeTakeFirstOrThrow());
}

describe('lock and unlock', () => {
  it('the unit admin locks one of their people: sessions end, sign-in refused everywhere, audited with the reason', async () => {
    const staff = await signIn(t, 'liuyang@haining.gov.cn');
    expect((await staff.get('/api/settings')).statusCode).toBe(200);
    const admin = await signIn(t, 'czadmin@haining.gov.cn');

    const response = await lock(admin, ids.liuyang!);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ address: 'liuyang@haining.gov.cn', state: 'locked' });

    // The open session is gone at once.
    expect((await staff.get('/api/settings')).statusCode).toBe(401);
    expect(await t.services.db.selectFrom('web_sessions').select('token_hash').where('account_id', '=', ids.liuyang!).execute()).toHaveLength(0);
    // Web sign-in and the mail protocols' one path (AuthService) refuse it.
    const web = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address: 'liuyang@haining.gov.cn', password: TEST_PASSWORD } });
    expect(web.statusCode).toBe(401);
    expect(web.json().error.code).toBe('auth.disabled');
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      const result = await t.services.auth.authenticate({ login: 'liuyang@haining.gov.cn', password: TEST_PASSWORD, protocol });
      expect(result).toMatchObject({ ok: false, reason: 'disabled' });
    }

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.lifecycle.lock').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'czadmin@haining.gov.cn', target: 'liuyang@haining.gov.cn' });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ from: 'active', to: 'locked', reason: '疑似账号被盗用', sessionsEnded: 1 });
    const history = await t.services.lifecycle.history(ids.liuyang!);
    expect(history.at(-1)).toMatchObject({ action: 'lock', from_state: 'active', to_state: 'locked', actor: 'czadmin@haining.gov.cn', reason: '疑似账号被盗用' });

    // Unlock: signs in again.
    expect((await admin.post(`/api/console/accounts/${ids.liuyang}/unlock`, { reason: '已核实本人' })).json().state).toBe('active');
    await signIn(t, 'liuyang@haining.gov.cn');
  });

  it('needs a reason', async () => {
    const admin = await signIn(t, 'czadmin@haining.gov.cn');
    for (const body of [{}, { reason: '' }, { reason: ' ' }]) {
      const response = await admin.post(`/api/console/accounts/${ids.liuyang}/lock`, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('validation');
    }
    expect((await stateOf(ids.liuyang!)).state).toBe('active');
  });

  it('a unit admin of one unit cannot touch the people of another (404, nothing changes)', async () => {
    const admin = await signIn(t, 'czadmin@haining.gov.cn');
    for (const action of ['lock', 'suspend']) {
      const response = await admin.post(`/api/console/accounts/${ids.chenjing}/${action}`, { reason: '越权尝试' });
      expect(response.statusCode).toBe(404);
    }
    expect((await admin.post(`/api/console/accounts/999999/lock`, { reason: '不存在' })).statusCode).toBe(404);
    expect((await admin.post(`/api/console/accounts/abc/lock`, { reason: '不存在' })).statusCode).toBe(404);
    expect((await stateOf(ids.chenjing!)).state).toBe('active');
  });

  it('the auditor changes nothing (403 on every action)', async () => {
    const auditor = await signIn(t, 'shenji@haining.gov.cn');
    const attempts = [
      auditor.post(`/api/console/accounts/${ids.liuyang}/lock`, { reason: '审计' }),
      auditor.post(`/api/console/accounts/${ids.liuyang}/suspend`, { reason: '审计' }),
      auditor.post(`/api/console/accounts/${ids.liuyang}/transfer`, { unitId: 3, reason: '审计' }),
      auditor.post(`/api/console/accounts/${ids.liuyang}/quota`, { quotaBytes: 10 * 1024 * 1024, reason: '审计' }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
    }
    expect(await stateOf(ids.liuyang!)).toMatchObject({ state: 'active' });
    expect(await t.services.lifecycle.history(ids.liuyang!)).toHaveLength(0);
  });

  it('staff cannot administer anyone, not even themselves', async () => {
    const staff = await signIn(t, 'liuyang@haining.gov.cn');
    expect((await lock(staff, ids.chenjing!)).statusCode).toBe(404);
    expect((await lock(staff, ids.liuyang!)).statusCode).toBe(403);
  });

  it('the security officer may lock but not suspend; nobody locks themselves', async () => {
    const officer = await signIn(t, 'anquan@haining.gov.cn');
    expect((await lock(officer, ids.chenjing!)).statusCode).toBe(200);
    expect((await officer.post(`/api/console/accounts/${ids.liuyang}/suspend`, { reason: '安全事件' })).statusCode).toBe(403);
    const self = await lock(officer, ids.anquan!);
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('policy.refused');
  });

  it('refuses an illegal transition (unlock an active account: 409)', async () => {
    const admin = await signIn(t, 'czadmin@haining.gov.cn');
    const response = await admin.post(`/api/console/accounts/${ids.liuyang}/unlock`, { reason: '误操作' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('account.illegal_transition');
  });
});

describe('suspend and resume', () => {
  it('suspends (from active or locked) and resumes', async () => {
    const staff = await signIn(t, 'liuyang@haining.gov.cn');
    const admin = await signIn(t, 'czadmin@haining.gov.cn');
    expect((await lock(admin, ids.liuyang!)).json().state).toBe('locked');
    expect((await admin.post(`/api/console/accounts/${ids.liuyang}/suspend`, { reason: '停职审查' })).json().state).toBe('suspended');
    expect((await staff.get('/api/settings')).statusCode).toBe(401);
    expect(await t.services.auth.authenticate({ login: 'liuyang@haining.gov.cn', password: TEST_PASSWORD, protocol: 'imap' })).toMatchObject({ ok: false, reason: 'disabled' });
    expect((await admin.post(`/api/console/accounts/${ids.liuyang}/resume`, { reason: '审查结束' })).json().state).toBe('active');
    await signIn(t, 'liuyang@haining.gov.cn');
  });
});

describe('transfer', () => {
  it('moves the person with their mailbox; lists of the old unit drop them', async () => {
    const actor = { address: 'system', via: 'cli' } as const;
    await t.services.directory.addUnitList({ address: 'czj-all@haining.gov.cn', displayName: '财政局全体', unitCode: 'czj' }, actor);
    await t.services.directory.addUnitList({ address: 'jyj-all@haining.gov.cn', displayName: '教育局全体', unitCode: 'jyj' }, actor);
    const czjList = await t.services.db.selectFrom('distribution_lists').select('id').where('address', '=', 'czj-all@haining.gov.cn').executeTakeFirstOrThrow();
    await t.services.db.insertInto('list_members').values({ list_id: czjList.id, account_id: ids.liuyang! }).execute();
    await deliver(t, await buildMail({ to: ['liuyang@haining.gov.cn'], subject: '调动前的来信', text: '正文' }), ['liuyang@haining.gov.cn']);
    const before = await t.services.mail.getMailbox(ids.liuyang!, 'INBOX');

    const unitAdmin = await signIn(t, 'czadmin@haining.gov.cn');
    const jyj = await t.services.directory.getUnit('jyj');
    expect((await unitAdmin.post(`/api/console/accounts/${ids.liuyang}/transfer`, { unitId: jyj.id, reason: '调任' })).statusCode).toBe(403);

    const admin = await signIn(t, 'admin@haining.gov.cn');
    const response = await admin.post(`/api/console/accounts/${ids.liuyang}/transfer`, { unitId: jyj.id, reason: '组织调动' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: ids.liuyang, unitId: jyj.id, state: 'active' });

    // Same account, same mailbox, same messages.
    const after = await t.services.mail.getMailbox(ids.liuyang!, 'INBOX');
    expect(after.id).toBe(before.id);
    expect(await t.services.mail.listMessages(ids.liuyang!, after.id)).toHaveLength(1);
    // The old unit's lists no longer reach them; the new unit's do.
    expect(await t.services.db.selectFrom('list_members').selectAll().where('account_id', '=', ids.liuyang!).execute()).toHaveLength(0);
    const oldList = await t.services.delivery.resolver.resolve('czj-all@haining.gov.cn');
    const newList = await t.services.delivery.resolver.resolve('jyj-all@haining.gov.cn');
    expect(oldList.kind === 'local' && oldList.accountIds).not.toContain(ids.liuyang);
    expect(newList.kind === 'local' && newList.accountIds).toContain(ids.liuyang);
    // The old unit's admin no longer sees them; the new one does.
    expect((await lock(unitAdmin, ids.liuyang!)).statusCode).toBe(404);

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.transfer').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('admin@haining.gov.cn');
    expect(JSON.parse(audit.details)).toMatchObject({ fromUnit: 'czj', toUnit: 'jyj', reason: '组织调动', droppedLists: ['czj-all@haining.gov.cn'] });
    expect((await t.services.lifecycle.history(ids.liuyang!)).at(-1)).toMatchObject({ action: 'transfer', reason: expect.stringContaining('组织调动') });
  });

  it('refuses an unknown or the same unit', async () => {
    const admin = await signIn(t, 'admin@haining.gov.cn');
    expect((await admin.post(`/api/console/accounts/${ids.liuyang}/transfer`, { unitId: 9999, reason: '调动' })).statusCode).toBe(400);
    const czj = await t.services.directory.getUnit('czj');
    expect((await admin.post(`/api/console/accounts/${ids.liuyang}/transfer`, { unitId: czj.id, reason: '调动' })).statusCode).toBe(400);
  });
});

describe('quota', () => {
  it('the department admin changes it (audited); a unit admin may not; below 1 MB is refused', async () => {
    const unitAdmin = await signIn(t, 'czadmin@haining.gov.cn');
    expect((await unitAdmin.post(`/api/console/accounts/${ids.liuyang}/quota`, { quotaBytes: 5 * 1024 ** 3, reason: '扩容' })).statusCode).toBe(403);
    const admin = await signIn(t, 'admin@haining.gov.cn');
    expect((await admin.post(`/api/console/accounts/${ids.liuyang}/quota`, { quotaBytes: 1000, reason: '扩容' })).statusCode).toBe(400);
    const response = await admin.post(`/api/console/accounts/${ids.liuyang}/quota`, { quotaBytes: 5 * 1024 ** 3, reason: '业务需要扩容' });
    expect(response.statusCode).toBe(200);
    expect(response.json().quotaBytes).toBe(5 * 1024 ** 3);
    expect((await t.services.mail.quota(ids.liuyang!)).quotaBytes).toBe(5 * 1024 ** 3);
    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.change_quota').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ to: 5 * 1024 ** 3, reason: '业务需要扩容' });
  });
});
