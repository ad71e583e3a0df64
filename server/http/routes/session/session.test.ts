import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock.js';
import { sha256Hex } from '../../../platform/crypto.js';
import { LOGIN_ATTEMPTS_PER_MINUTE } from '../../limits.js';
import { createTestHttp, TEST_ADDRESS, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { sessionViewSchema } from './schema.js';

const cookieHeader = (token: string) => ({ cookie: `govmail_session=${token}` });

describe('/api/session', () => {
  let t: TestHttp;
  beforeAll(async () => {
    t = await createTestHttp();
  });
  afterAll(() => t.close());

  it('signs in: account view, CSRF token, an HttpOnly SameSite=Strict cookie, only the hash stored', async () => {
    const { cookie, response } = await t.login();
    expect(response.statusCode).toBe(200);
    const body = sessionViewSchema.parse(response.json());
    expect(body.account).toEqual({ address: TEST_ADDRESS, displayName: '张伟', roles: ['staff'] });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body).not.toMatch(/password|hash/i);

    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^govmail_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/); // secureCookies defaults to false (development)

    const rows = await t.services.db.selectFrom('web_sessions').selectAll().where('account_id', '=', t.account.id).execute();
    expect(rows.map((r) => r.token_hash)).toContain(sha256Hex(cookie));
    expect(rows.map((r) => r.token_hash)).not.toContain(cookie);
  });

  it('refuses a wrong password with 401, a stable code and the zh-CN reason, and sets no cookie', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address: TEST_ADDRESS, password: 'Wrong#Password2026' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'auth.invalid_credentials', message: expect.stringContaining('用户名或密码错误') } });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a body without a password as a validation error naming the field', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address: TEST_ADDRESS } });
    expect(response.statusCode).toBe(400);
    const { error } = response.json() as { error: { code: string; issues: { path: string }[] } };
    expect(error.code).toBe('validation');
    expect(error.issues.map((i) => i.path)).toEqual(['password']);
  });

  it('accepts only JSON, so a cross-site form cannot sign a browser in (login CSRF)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `address=${encodeURIComponent(TEST_ADDRESS)}&password=${encodeURIComponent(TEST_PASSWORD)}`,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });

  it('GET answers 401 without a cookie or with an unknown one, and the session with a valid one', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/session' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('auth.required');

    const bogus = await t.app.inject({ method: 'GET', url: '/api/session', headers: cookieHeader('x'.repeat(43)) });
    expect(bogus.statusCode).toBe(401);
    expect(String(bogus.headers['set-cookie'])).toMatch(/^govmail_session=;/); // the dead cookie is cleared

    const { cookie, csrfToken } = await t.login();
    const ok = await t.app.inject({ method: 'GET', url: '/api/session', headers: cookieHeader(cookie) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ account: { address: TEST_ADDRESS, displayName: '张伟', roles: ['staff'] }, csrfToken, credentialStatus: { changeRequired: null, expiresAt: expect.any(Number), remindFrom: expect.any(Number), policy: expect.any(Array) } });
  });

  it('tells the web when to start the expiry reminder and the policy in words (NAME=selfservice)', async () => {
    const { cookie } = await t.login();
    const view = sessionViewSchema.parse((await t.app.inject({ method: 'GET', url: '/api/session', headers: cookieHeader(cookie) })).json());
    const status = view.credentialStatus!;
    // Defaults: 90 days, reminders 14, 7 and 1 days before: the banner starts 14 days ahead.
    expect(status.expiresAt).not.toBeNull();
    expect(status.remindFrom).toBe(status.expiresAt! - 14 * 86_400_000);
    expect(status.policy!.length).toBeGreaterThanOrEqual(3);
    expect(status.policy!.join('\n')).toMatch(/12/); // the minimum length in force
  });

  it('logout needs the CSRF token; afterwards the cookie is cleared, dead, and the logout audited', async () => {
    const { cookie, csrfToken } = await t.login();

    const noToken = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: cookieHeader(cookie) });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf');

    const wrongToken = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { ...cookieHeader(cookie), 'x-csrf-token': 'A'.repeat(43) } });
    expect(wrongToken.statusCode).toBe(403);

    const stillIn = await t.app.inject({ method: 'GET', url: '/api/session', headers: cookieHeader(cookie) });
    expect(stillIn.statusCode).toBe(200);

    const out = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { ...cookieHeader(cookie), 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(204);
    const cleared = String(out.headers['set-cookie']);
    expect(cleared).toMatch(/^govmail_session=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);

    const after = await t.app.inject({ method: 'GET', url: '/api/session', headers: cookieHeader(cookie) });
    expect(after.statusCode).toBe(401);
    expect(await t.services.db.selectFrom('web_sessions').select('token_hash').where('token_hash', '=', sha256Hex(cookie)).executeTakeFirst()).toBeUndefined();

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.logout').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: TEST_ADDRESS, actor_account_id: t.account.id, protocol: 'web', ip: '127.0.0.1', outcome: 'success' });
  });

  it('logout without a session is 401, not a CSRF error', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/api/session' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('auth.required');
  });

  it(`rate-limits sign-in to ${LOGIN_ATTEMPTS_PER_MINUTE} attempts a minute per address`, async () => {
    const attempt = () => t.app.inject({ method: 'POST', url: '/api/session', payload: {}, remoteAddress: '192.0.2.7' });
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) expect((await attempt()).statusCode).toBe(400);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Other addresses are not affected.
    await expect(t.login({ remoteAddress: '192.0.2.8' })).resolves.toBeTruthy();
  });
});

describe('/api/session idle timeout', () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 9, 0, 0));
  let t: TestHttp;
  beforeAll(async () => {
    t = await createTestHttp({ clock, http: { sessionIdleMinutes: 30 } });
  });
  afterAll(() => t.close());

  const lastSeen = async (cookie: string) =>
    (await t.services.db.selectFrom('web_sessions').select('last_seen_at').where('token_hash', '=', sha256Hex(cookie)).executeTakeFirstOrThrow()).last_seen_at;

  it('writes last_seen_at at most once a minute', async () => {
    const { cookie } = await t.login();
    const start = clock.now();
    clock.advance(30_000);
    expect((await t.app.inject({ url: '/api/session', headers: cookieHeader(cookie) })).statusCode).toBe(200);
    expect(await lastSeen(cookie)).toBe(start);
    clock.advance(31_000);
    expect((await t.app.inject({ url: '/api/session', headers: cookieHeader(cookie) })).statusCode).toBe(200);
    expect(await lastSeen(cookie)).toBe(clock.now());
  });

  it('ends a session idle longer than sessionIdleMinutes, saying so', async () => {
    const { cookie } = await t.login();
    clock.advance(29 * 60_000);
    expect((await t.app.inject({ url: '/api/session', headers: cookieHeader(cookie) })).statusCode).toBe(200);
    clock.advance(30 * 60_000 + 1);
    const expired = await t.app.inject({ url: '/api/session', headers: cookieHeader(cookie) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('auth.session_expired');
    expect(await t.services.db.selectFrom('web_sessions').select('token_hash').where('token_hash', '=', sha256Hex(cookie)).executeTakeFirst()).toBeUndefined();
  });

  it('ends the session when the account stops being active', async () => {
    const { cookie } = await t.login();
    // Directly, not through disableAccount (which deletes sessions itself): the session check
    // must not rely on every state change remembering to do that.
    await t.services.db.updateTable('accounts').set({ state: 'locked' }).where('id', '=', t.account.id).execute();
    const response = await t.app.inject({ url: '/api/session', headers: cookieHeader(cookie) });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('auth.required');
  });
});

describe('/api/session with secureCookies', () => {
  let t: TestHttp;
  beforeAll(async () => {
    t = await createTestHttp({ http: { secureCookies: true } });
  });
  afterAll(() => t.close());

  it('marks the cookie Secure and sends HSTS', async () => {
    const { response } = await t.login();
    expect(String(response.headers['set-cookie'])).toMatch(/; Secure/);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});
