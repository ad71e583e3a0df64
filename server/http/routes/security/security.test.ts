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

describe('/api/security TOTP, sessions and sign-in history', () => {
  let t: TestHttp;
  beforeAll(async () => {
    t = await createTestHttp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('enrols TOTP (QR as an SVG data URL, confirm with a code, recovery codes once); sign-in then asks for the code', async () => {
    const { totpCode } = await import('../../../auth/totp.js');
    const { TEST_PASSWORD } = await import('../../test-app.js');
    const a = await signIn(t);
    const setup = await a.post('/api/security/totp/setup', {});
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret, uri, qrDataUrl } = setup.json() as { secret: string; uri: string; qrDataUrl: string };
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect((await a.post('/api/security/totp/confirm', { code: '000000' })).statusCode).toBe(400);
    const confirm = await a.post('/api/security/totp/confirm', { code: totpCode(secret, t.services.clock.now()) });
    expect(confirm.statusCode, confirm.body).toBe(200);
    const { recoveryCodes } = confirm.json() as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.services.db.selectFrom('recovery_codes').select('code_hash').execute();
    expect(stored.every((r) => r.code_hash.startsWith('$argon2id$'))).toBe(true);
    expect((await a.get('/api/security/totp')).json()).toEqual({ enabled: true, recoveryCodesLeft: 10 });

    const noCode = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address: TEST_ADDRESS, password: TEST_PASSWORD } });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('auth.totp_required');
    const withRecovery = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address: TEST_ADDRESS, password: TEST_PASSWORD, totp: recoveryCodes[0] } });
    expect(withRecovery.statusCode, withRecovery.body).toBe(200);

    // sessions: two now; revoke the other one from the first
    const sessions = (await a.get('/api/security/sessions')).json() as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    const other = sessions.find((s) => !s.current)!;
    expect((await a.delete(`/api/security/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await a.get('/api/security/sessions')).json()).toHaveLength(1);
    expect((await a.delete(`/api/security/sessions/${other.id}`)).statusCode).toBe(404);

    const history = (await a.get('/api/security/sign-ins')).json() as { outcome: string; protocol: string }[];
    expect(history.filter((h) => h.outcome === 'success').length).toBeGreaterThanOrEqual(2);
    expect(history.every((h) => h.protocol === 'web')).toBe(true);
  });
});
