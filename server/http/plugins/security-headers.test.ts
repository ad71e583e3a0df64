import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../test-app.js';

describe('security headers', () => {
  let t: TestHttp;
  beforeAll(async () => {
    t = await createTestHttp();
  });
  afterAll(() => t.close());

  it('are on every kind of response: health, API success, API error, pages', async () => {
    const { response: login } = await t.login();
    const responses = [
      await t.app.inject({ url: '/healthz' }),
      login,
      await t.app.inject({ url: '/api/session' }),
      await t.app.inject({ url: '/api/nope' }),
      await t.app.inject({ url: '/' }),
    ];
    for (const response of responses) {
      const csp = String(response.headers['content-security-policy']);
      for (const directive of ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) expect(csp).toContain(directive);
      expect(csp).not.toContain('unsafe');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['strict-transport-security']).toBeUndefined(); // only with secureCookies
    }
  });

  it('forbid caching of API answers', async () => {
    const { response } = await t.login();
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
