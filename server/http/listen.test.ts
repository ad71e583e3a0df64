import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenHttp, type HttpListener } from './listen.js';
import { createTestHttp, type TestHttp } from './test-app.js';

describe('listenHttp', () => {
  let t: TestHttp;
  let listener: HttpListener;
  beforeAll(async () => {
    t = await createTestHttp(); // http.listen.port is 0
    listener = await listenHttp(t.services);
  });
  afterAll(async () => {
    await listener.close();
    await t.close();
  });

  it('binds the configured address on the port the OS chose and answers over a real socket', async () => {
    expect(listener.port).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${listener.port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('signs in and out over a real socket with the cookie and CSRF header', async () => {
    const base = `http://127.0.0.1:${listener.port}`;
    const login = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: 'zhang.wei', password: 'Qiantang#River2026' }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const logout = await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(logout.status).toBe(204);
    expect((await fetch(`${base}/api/session`, { headers: { cookie } })).status).toBe(401);
  });
});
