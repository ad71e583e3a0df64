/**
 * `/api/security/app-passwords` (SPEC Art. 4.1) via app.inject: create (shown once, hashed at
 * rest), list with last use (after a real IMAP-protocol authentication), revoke; someone else's
 * id is 404; audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, TEST_ADDRESS, type TestHttp } from '../../test-app.js';
import { signIn, type ApiClient } from '../../test-webmail.js';
import { seedPerson } from '../../../../test/helpers/temp-services.js';

describe('/api/security/app-passwords', () => {
  let t: TestHttp;
  let a: ApiClient;
  beforeAll(async () => {
    t = await createTestHttp();
    a = await signIn(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates (shown once), lists with last use, revokes; another person cannot revoke it', async () => {
    const created = await a.post('/api/security/app-passwords', { name: 'Foxmail 手机' });
    expect(created.statusCode, created.body).toBe(201);
    const { id, password } = created.json() as { id: number; password: string };
    expect(password).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
    const stored = await t.services.db.selectFrom('app_passwords').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(stored)).not.toContain(password.replace(/ /g, ''));

    expect(await t.services.auth.authenticate({ login: TEST_ADDRESS, password, protocol: 'imap', ip: '192.0.2.5', client: 'Foxmail' })).toMatchObject({ ok: true, via: 'app_password' });
    const list = (await a.get('/api/security/app-passwords')).json() as { id: number; name: string; lastUsedProtocol: string | null; password?: string }[];
    expect(list).toEqual([expect.objectContaining({ id, name: 'Foxmail 手机', lastUsedProtocol: 'imap' })]);
    expect(list[0]!.password).toBeUndefined();

    await seedPerson(t.services, { address: 'lina@haining.gov.cn', displayName: '李娜' });
    const b = await signIn(t, 'lina@haining.gov.cn');
    expect((await b.delete(`/api/security/app-passwords/${id}`)).statusCode).toBe(404);
    expect((await b.get('/api/security/app-passwords')).json()).toEqual([]);

    expect((await a.delete(`/api/security/app-passwords/${id}`)).statusCode).toBe(204);
    expect((await a.get('/api/security/app-passwords')).json()).toEqual([]);
    expect(await t.services.auth.authenticate({ login: TEST_ADDRESS, password, protocol: 'imap' })).toMatchObject({ ok: false });
    const audit = await t.services.db.selectFrom('audit_log').select('action').where('action', 'like', 'auth.app_password%').execute();
    expect(audit.map((r) => r.action)).toEqual(['auth.app_password_create', 'auth.app_password_revoke']);
  });

  it('refuses an empty name', async () => {
    expect((await a.post('/api/security/app-passwords', { name: ' ' })).statusCode).toBe(400);
  });
});
