/** `/api/console/me`: the console shell's menu comes from the policy; staff are refused. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHttp, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { signIn } from '../../test-webmail.js';

let t: TestHttp;
beforeEach(async () => {
  t = await createTestHttp();
  const actor = { address: 'system', via: 'cli' } as const;
  await t.services.directory.createAccount({ address: 'admin@haining.gov.cn', displayName: '管理员', unitCode: 'hn', password: TEST_PASSWORD, roles: ['dept_admin'] }, actor);
  await t.services.directory.createAccount({ address: 'shenji@haining.gov.cn', displayName: '审计员', unitCode: 'hn', password: TEST_PASSWORD, roles: ['auditor'] }, actor);
});
afterEach(async () => {
  await t.close();
});

describe('GET /api/console/me', () => {
  it('needs a session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/console/me' })).statusCode).toBe(401);
  });

  it('refuses staff (403)', async () => {
    const staff = await signIn(t);
    const response = await staff.get('/api/console/me');
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('forbidden');
  });

  it('lists the department admin’s actions', async () => {
    const admin = await signIn(t, 'admin@haining.gov.cn');
    const response = await admin.get('/api/console/me');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.account).toMatchObject({ address: 'admin@haining.gov.cn', roles: ['dept_admin'], unitName: '海宁市人民政府' });
    expect(body.actions).toEqual(expect.arrayContaining(['application.review', 'application.allocate', 'unit.manage', 'account.bulk_import']));
    expect(body.actions).not.toContain('audit.read');
  });

  it('gives the auditor reading actions only', async () => {
    const auditor = await signIn(t, 'shenji@haining.gov.cn');
    const body = (await auditor.get('/api/console/me')).json();
    expect(body.actions).toContain('audit.read');
    for (const action of ['application.review', 'application.allocate', 'unit.manage', 'account.lock', 'account.bulk_import']) expect(body.actions).not.toContain(action);
  });
});
