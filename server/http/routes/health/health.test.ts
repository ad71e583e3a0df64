import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { healthViewSchema } from './schema.js';

describe('GET /healthz', () => {
  let t: TestHttp;
  beforeAll(async () => {
    t = await createTestHttp();
  });
  afterAll(() => t.close());

  it('answers ok after querying the database, without a session', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(healthViewSchema.parse(response.json())).toEqual({ status: 'ok', db: 'ok' });
  });

  it('answers 503 when the database does not answer', async () => {
    await t.services.db.destroy();
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'error', db: 'error' });
  });
});
