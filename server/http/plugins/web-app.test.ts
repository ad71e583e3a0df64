import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../test-app.js';
import { defaultWebRoot } from './web-app.js';

const INDEX = '<!doctype html><html lang="zh-CN"><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>';

describe('the built web app', () => {
  let t: TestHttp;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(tmpdir(), 'govmail-web-'));
    await mkdir(path.join(webRoot, 'assets'));
    await writeFile(path.join(webRoot, 'index.html'), INDEX);
    await writeFile(path.join(webRoot, 'assets', 'index-abc123.js'), 'console.log("govmail")');
    t = await createTestHttp({ http: { webRoot } });
  });
  afterAll(async () => {
    await t.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes (SPA fallback), never cached stale', async () => {
    for (const url of ['/', '/inbox', '/mail/INBOX/42?view=thread']) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(INDEX);
    }
  });

  it('serves hashed assets as immutable', async () => {
    const response = await t.app.inject({ url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing file, an unknown /api path and a non-GET page with a coded 404', async () => {
    for (const [method, url] of [['GET', '/assets/missing.js'], ['GET', '/api/unknown'], ['POST', '/inbox']] as const) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
  });

  it('does not serve files outside the web root', async () => {
    const response = await t.app.inject({ url: '/../../package.json' });
    expect(response.body).not.toContain('"name"');
  });
});

describe('without a build of the web app', () => {
  let t: TestHttp;
  beforeAll(async () => {
    t = await createTestHttp({ http: { webRoot: path.join(tmpdir(), 'govmail-no-such-build') } });
  });
  afterAll(() => t.close());

  it('starts, and pages say how to build it while the API works', async () => {
    const page = await t.app.inject({ url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('npm run build:web');
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/nope' })).json().error.code).toBe('not_found');
  });

  it('finds the default build directory from the code, not the working directory', () => {
    expect(defaultWebRoot()).toBe(path.resolve(import.meta.dirname, '../../../dist/web'));
  });
});
