/**
 * The accounts console's authorisation matrix and filters: the unit admin of A sees A's subtree
 * only (B's accounts never listed, B's account page 404), the department admin every unit, the
 * auditor reads but re-issues nothing, staff nothing; filters by unit (with sub-units), state and
 * text; server-side paging; the account page carries its state history and allowed actions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOnboardingFixture, onboardPerson, type OnboardingFixture } from '../../test-onboarding.js';

let f: OnboardingFixture;
let inA1: { accountId: number; address: string };
let inB: number;
beforeEach(async () => {
  f = await createOnboardingFixture();
  inA1 = await onboardPerson(f, { unitId: f.units.a1, displayName: '钱多多' });
  inB = (await f.t.services.directory.createAccount({ address: 'liuyang@haining.gov.cn', displayName: '刘洋', unitCode: 'jyb' }, { address: 'system', via: 'cli' })).id;
});
afterEach(async () => {
  await f.t.close();
});

const addresses = (body: { items: { address: string }[] }) => body.items.map((i) => i.address).sort();

describe('GET /api/console/accounts', () => {
  it('scopes the unit admin to their subtree', async () => {
    expect(addresses((await f.adminA.get('/api/console/accounts?limit=200')).json())).toEqual(['admin.a@haining.gov.cn', inA1.address].sort());
    // Asking for B's unit gives nothing rather than B's people.
    expect((await f.adminA.get(`/api/console/accounts?unitId=${f.units.b}`)).json().total).toBe(0);
    expect((await f.adminA.get(`/api/console/accounts/${inB}`)).statusCode).toBe(404);
    expect((await f.adminA.get(`/api/console/accounts/${inA1.accountId}`)).statusCode).toBe(200);
  });

  it('gives the department admin every unit, with filters and paging', async () => {
    const all = (await f.dept.get('/api/console/accounts?limit=200')).json();
    expect(all.total).toBe(7);
    expect(addresses((await f.dept.get(`/api/console/accounts?unitId=${f.units.a}`)).json())).toEqual(['admin.a@haining.gov.cn', inA1.address].sort());
    expect(addresses((await f.dept.get(`/api/console/accounts?unitId=${f.units.a}&subUnits=false`)).json())).toEqual(['admin.a@haining.gov.cn']);
    expect(addresses((await f.dept.get('/api/console/accounts?state=pending_activation')).json())).toEqual([inA1.address, 'liuyang@haining.gov.cn'].sort());
    expect(addresses((await f.dept.get(`/api/console/accounts?q=${encodeURIComponent('刘')}`)).json())).toEqual(['liuyang@haining.gov.cn']);
    expect(addresses((await f.dept.get('/api/console/accounts?q=qdd')).json())).toEqual([inA1.address]);
    const page = (await f.dept.get('/api/console/accounts?limit=2&offset=2')).json();
    expect(page.total).toBe(7);
    expect(page.items).toHaveLength(2);
    expect((await f.dept.get('/api/console/accounts?limit=999')).statusCode).toBe(400);
  });

  it('lets the auditor read but change nothing; staff get nothing', async () => {
    expect((await f.auditor.get('/api/console/accounts')).json().total).toBe(7);
    const detail = (await f.auditor.get(`/api/console/accounts/${inA1.accountId}`)).json();
    expect(detail.allowed).toContain('account.view');
    for (const action of ['account.lock', 'account.suspend', 'account.reissue_activation', 'account.transfer', 'account.change_roles', 'account.deactivate_complete']) expect(detail.allowed).not.toContain(action);
    expect((await f.auditor.post('/api/console/accounts/reissue-activation', { ids: [inA1.accountId] })).statusCode).toBe(403);
    expect((await f.staff.get('/api/console/accounts')).statusCode).toBe(403);
    expect((await f.staff.get(`/api/console/accounts/${f.t.account.id}`)).statusCode).toBe(404);
  });

  it('shows the account’s history, activation and what the viewer may do', async () => {
    const detail = (await f.adminA.get(`/api/console/accounts/${inA1.accountId}`)).json();
    expect(detail).toMatchObject({ state: 'pending_activation', workId: 'HN2026-0017', activation: { status: 'live' } });
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['apply', 'approve', 'allocate']);
    expect(detail.allowed).toEqual(expect.arrayContaining(['account.view', 'account.reissue_activation', 'account.lock']));
    expect(detail.allowed).not.toContain('account.change_roles');
    expect(detail.transitions).toEqual(expect.arrayContaining(['activate', 'reissue_activation', 'cancel_allocation']));
  });
});

describe('/api/console/units', () => {
  it('lets only the department admin change the tree, and refuses cycles', async () => {
    expect((await f.adminA.post('/api/console/units', { code: 'x', name: '某科', parentId: f.units.a })).statusCode).toBe(403);
    expect((await f.auditor.patch(`/api/console/units/${f.units.a}`, { name: '改名' })).statusCode).toBe(403);
    const created = await f.dept.post('/api/console/units', { code: 'cza-kj', name: '会计科', parentId: f.units.a, contactAddress: 'kj@haining.gov.cn' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await f.dept.patch(`/api/console/units/${id}`, { name: '会计管理科', parentId: f.units.b })).json()).toMatchObject({ name: '会计管理科', parentId: f.units.b });
    const cycle = await f.dept.patch(`/api/console/units/${f.units.a}`, { parentId: f.units.a1 });
    expect(cycle.statusCode).toBe(400);
    expect((await f.dept.post('/api/console/units', { code: 'cza-kj', name: '重复', parentId: null })).statusCode).toBe(409);
    const units = (await f.adminA.get('/api/console/units')).json();
    expect(units.find((u: { id: number }) => u.id === f.units.a1)).toMatchObject({ name: '预算科', accounts: 1 });
    expect((await f.staff.get('/api/console/units')).statusCode).toBe(403);
    const audit = await f.t.services.db.selectFrom('audit_log').select('action').where('action', 'in', ['unit.create', 'unit.update']).where('actor', '=', 'admin@haining.gov.cn').execute();
    expect(audit.map((a) => a.action)).toEqual(['unit.create', 'unit.update']);
  });
});
