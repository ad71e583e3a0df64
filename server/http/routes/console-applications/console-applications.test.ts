/**
 * The applications queue and allocation (SPEC Art. 2.2), and its authorisation matrix: the unit
 * admin of A reviews A's subtree and sees nothing of B (404 for B's application, B's never in
 * the list); the department admin allocates; the auditor and staff change nothing (403 on
 * lists and actions, 404 on objects); 三员分立 holds at allocation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOnboardingFixture, fileApplication, PDF, type OnboardingFixture } from '../../test-onboarding.js';

let f: OnboardingFixture;
let inA: { id: number; trackingCode: string };
let inB: { id: number; trackingCode: string };
beforeEach(async () => {
  f = await createOnboardingFixture();
  inA = await fileApplication(f, { unitId: f.units.a1, displayName: '张伟' });
  inB = await fileApplication(f, { unitId: f.units.b, displayName: '刘洋' });
});
afterEach(async () => {
  await f.t.close();
});

const ids = (body: { items: { id: number }[] }) => body.items.map((i) => i.id).sort();

describe('who sees which applications', () => {
  it('unit admin of A: A’s subtree only', async () => {
    expect(ids((await f.adminA.get('/api/console/applications')).json())).toEqual([inA.id]);
    expect((await f.adminA.get(`/api/console/applications/${inA.id}`)).statusCode).toBe(200);
    for (const url of [`/api/console/applications/${inB.id}`, `/api/console/applications/${inB.id}/document`]) {
      expect((await f.adminA.get(url)).statusCode).toBe(404);
    }
    expect((await f.adminA.post(`/api/console/applications/${inB.id}/approve`, {})).statusCode).toBe(404);
    expect((await f.adminA.post(`/api/console/applications/${inB.id}/reject`, { reason: '不是本单位' })).statusCode).toBe(404);
  });

  it('unit admin of B: B only', async () => {
    expect(ids((await f.adminB.get('/api/console/applications')).json())).toEqual([inB.id]);
    expect((await f.adminB.get(`/api/console/applications/${inA.id}`)).statusCode).toBe(404);
  });

  it('department admin: all', async () => {
    expect(ids((await f.dept.get('/api/console/applications')).json())).toEqual([inA.id, inB.id].sort());
  });

  it('auditor and staff: refused, and change nothing', async () => {
    for (const client of [f.auditor, f.staff]) {
      expect((await client.get('/api/console/applications')).statusCode).toBe(403);
      expect((await client.get(`/api/console/applications/${inA.id}`)).statusCode).toBe(404);
      expect((await client.get(`/api/console/applications/${inA.id}/document`)).statusCode).toBe(404);
      expect((await client.post(`/api/console/applications/${inA.id}/approve`, {})).statusCode).toBe(404);
      expect((await client.post(`/api/console/applications/${inA.id}/allocate`, { address: 'x@haining.gov.cn' })).statusCode).toBe(404);
    }
    const rows = await f.t.services.db.selectFrom('account_applications').select('state').execute();
    expect(rows.every((r) => r.state === 'applied')).toBe(true);
  });

  it('a wrong or malformed id is 404', async () => {
    expect((await f.dept.get('/api/console/applications/999999')).statusCode).toBe(404);
    expect((await f.dept.get('/api/console/applications/abc')).statusCode).toBe(404);
  });
});

describe('review', () => {
  it('serves the document to the reviewer only as a download, audited', async () => {
    const response = await f.adminA.get(`/api/console/applications/${inA.id}/document`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/pdf');
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
    expect(response.rawPayload.equals(PDF)).toBe(true);
    const audit = await f.t.services.db.selectFrom('audit_log').select('actor').where('action', '=', 'application.document_read').execute();
    expect(audit).toEqual([{ actor: 'admin.a@haining.gov.cn' }]);
  });

  it('rejects with a reason, which the applicant sees by tracking code', async () => {
    expect((await f.adminA.post(`/api/console/applications/${inA.id}/reject`, { reason: '' })).statusCode).toBe(400);
    expect((await f.adminA.post(`/api/console/applications/${inA.id}/reject`, { reason: '证明材料不清晰' })).statusCode).toBe(200);
    const status = (await f.t.app.inject({ method: 'GET', url: `/api/applications/status?code=${inA.trackingCode}` })).json();
    expect(status).toMatchObject({ state: 'rejected', rejectReason: '证明材料不清晰' });
    // Rejected is an end: no approving afterwards.
    expect((await f.adminA.post(`/api/console/applications/${inA.id}/approve`, {})).statusCode).toBe(409);
  });

  it('unit admin approves but cannot allocate; the department allocates with the pinyin address', async () => {
    expect((await f.adminA.post(`/api/console/applications/${inA.id}/allocate`, { address: 'zhangwei@haining.gov.cn' })).statusCode).toBe(403);
    expect((await f.adminA.post(`/api/console/applications/${inA.id}/approve`, {})).statusCode).toBe(200);
    expect((await f.adminA.post(`/api/console/applications/${inA.id}/allocate`, { address: 'zhangwei@haining.gov.cn' })).statusCode).toBe(403);
    // Another 张伟 already holds zhangwei@: the proposal takes a suffix.
    await f.t.services.directory.createAccount({ address: 'zhangwei@haining.gov.cn', displayName: '张伟', unitCode: 'hn' }, { address: 'system', via: 'cli' });
    const detail = (await f.dept.get(`/api/console/applications/${inA.id}`)).json();
    expect(detail).toMatchObject({ canAllocate: true, proposal: { address: 'zhangwei2@haining.gov.cn' } });
    const taken = await f.dept.post(`/api/console/applications/${inA.id}/allocate`, { address: 'zhangwei@haining.gov.cn' });
    expect(taken.statusCode).toBe(409);
    const allocated = await f.dept.post(`/api/console/applications/${inA.id}/allocate`, { address: 'zhang.w@haining.gov.cn', quotaBytes: 1024 ** 3 });
    expect(allocated.statusCode).toBe(201);
    const body = allocated.json();
    expect(body.address).toBe('zhang.w@haining.gov.cn');
    expect(body.activation.path).toMatch(/^\/activate\/[A-Za-z0-9_-]{43}$/);
    const account = await f.t.services.directory.getAccount('zhang.w@haining.gov.cn');
    expect(account).toMatchObject({ state: 'pending_activation', unit_id: f.units.a1, quota_bytes: 1024 ** 3, password_hash: null });
    // The account's history starts with the application.
    expect((await f.t.services.lifecycle.history(account.id)).map((h) => h.action)).toEqual(['apply', 'approve', 'allocate']);
    // The token is stored hashed only.
    const token = body.activation.path.split('/').pop();
    const stored = await f.t.services.db.selectFrom('activation_tokens').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
    // The unit admin got the link by mail.
    const inbox = await f.t.services.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .innerJoin('accounts', 'accounts.id', 'mailboxes.account_id')
      .select(['accounts.address', 'messages.subject'])
      .where('messages.subject', 'like', '账号激活链接%')
      .execute();
    expect(inbox).toEqual([{ address: 'admin.a@haining.gov.cn', subject: '账号激活链接：张伟（zhang.w@haining.gov.cn）' }]);
    // The applicant sees the address by tracking code.
    expect((await f.t.app.inject({ method: 'GET', url: `/api/applications/status?code=${inA.trackingCode}` })).json()).toMatchObject({ state: 'allocated', address: 'zhang.w@haining.gov.cn' });
    // Allocating twice is an illegal transition.
    expect((await f.dept.post(`/api/console/applications/${inA.id}/allocate`, { address: 'zw3@haining.gov.cn' })).statusCode).toBe(409);
  });

  it('enforces 三员分立 at allocation', async () => {
    await f.adminA.post(`/api/console/applications/${inA.id}/approve`, {});
    const response = await f.dept.post(`/api/console/applications/${inA.id}/allocate`, { address: 'zw@haining.gov.cn', roles: ['staff', 'unit_admin', 'auditor'] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('policy.refused');
    expect(await f.t.services.db.selectFrom('accounts').select('id').where('address', '=', 'zw@haining.gov.cn').executeTakeFirst()).toBeUndefined();
  });
});
