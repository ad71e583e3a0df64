/**
 * For the HTTP tests: real services over a fresh data directory, one unit and one active
 * account, and the app built on them (not listening; use `app.inject`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { createServices, type Services } from '../services.js';
import type { Account } from '../storage/database.js';
import { buildApp } from './app.js';

export const TEST_PASSWORD = 'Qiantang#River2026';
export const TEST_ADDRESS = 'zhang.wei@haining.gov.cn';

export interface TestHttp {
  app: FastifyInstance;
  services: Services;
  account: Account;
  dataDir: string;
  /** Signs in as the test account; returns the session cookie value and the CSRF token. */
  login(options?: { remoteAddress?: string }): Promise<{ cookie: string; csrfToken: string; response: LightMyRequestResponse }>;
  close(): Promise<void>;
}

export async function createTestHttp(options: { http?: ConfigInput['http']; smtp?: ConfigInput['smtp']; clock?: Clock; logger?: Logger } = {}): Promise<TestHttp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'govmail-http-'));
  const config = loadConfig({
    overrides: { dataDir, logLevel: 'silent', inbound: { enabled: false }, auth: { argon2MemoryKib: 1024, argon2Iterations: 1 }, http: { listen: { port: 0 }, ...options.http }, ...(options.smtp ? { smtp: options.smtp } : {}) },
    env: {},
  });
  const services = await createServices(config, { clock: options.clock, logger: options.logger });
  const actor = { address: 'system', via: 'cli' } as const;
  await services.directory.createUnit({ code: 'hn', name: '海宁市人民政府' }, actor);
  const account = await services.directory.createAccount({ address: TEST_ADDRESS, displayName: '张伟', unitCode: 'hn', password: TEST_PASSWORD }, actor);
  const app = await buildApp(services);

  return {
    app,
    services,
    account,
    dataDir,
    async login({ remoteAddress } = {}) {
      const response = await app.inject({ method: 'POST', url: '/api/session', payload: { address: TEST_ADDRESS, password: TEST_PASSWORD }, remoteAddress });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'govmail_session')?.value;
      if (!cookie) throw new Error('login set no session cookie');
      return { cookie, csrfToken: (response.json() as { csrfToken: string }).csrfToken, response };
    },
    async close() {
      await app.close();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
