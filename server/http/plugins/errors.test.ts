import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ERROR_CATALOGUE } from '../../../common/errors.js';
import { createTestHttp, type TestHttp } from '../test-app.js';

describe('error mapping', () => {
  let t: TestHttp;
  const logged: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    t = await createTestHttp({ logger: pino({ level: 'error' }, sink) });
    // Extra routes for this test only, before the app is ready.
    t.app.get('/test/boom', async () => {
      throw new Error('secret detail: /var/lib/govmail/key.pem');
    });
    t.app.get('/test/coded', async () => {
      throw new ApiError('forbidden');
    });
  });
  afterAll(() => t.close());

  it('answers an unknown /api path with a coded 404 in JSON, whatever the method, without a session', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const response = await t.app.inject({ method, url: '/api/no-such-thing' });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ error: { code: 'not_found', message: ERROR_CATALOGUE.not_found.message } });
    }
  });

  it('answers a coded error with its catalogue status and message', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/coded' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: { code: 'forbidden', message: '没有执行此操作的权限' } });
  });

  it('logs an unexpected error and answers internal without leaking it', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: ERROR_CATALOGUE.internal.message } });
    expect(response.body).not.toContain('secret');
    expect(logged.join('')).toContain('secret detail');
  });

  it('answers malformed JSON as a validation error', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: '{"address":' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation');
  });

  it('answers a body over the limit as payload_too_large', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address: 'a', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });
});
