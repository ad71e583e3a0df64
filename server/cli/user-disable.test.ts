/**
 * One life cycle for every caller (issue 5): `govmail user disable` and
 * DirectoryService.disableAccount go through the life cycle like the console's suspend — the
 * transition rules (an account already suspended, deactivated or purged is refused with the
 * console's `account.illegal_transition` text), a history row with the reason, the audit row
 * with the why, sessions ended. And no code outside lifecycle.ts writes `accounts.state`.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../common/errors.js';
import { loadConfig } from '../config/load.js';
import { IllegalTransition } from '../governance/accounts/lifecycle.js';
import { createServices, type Services } from '../services.js';
import { createTempServices, makeTempDir, seedPerson, SYSTEM_ACTOR } from '../../test/helpers/temp-services.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function openServices(dataDir: string): Promise<Services> {
  return createServices(loadConfig({ overrides: { dataDir, logLevel: 'silent', auth: { argon2MemoryKib: 1024, argon2Iterations: 1 } }, env: {} }));
}

describe('govmail user disable', () => {
  it('suspends through the life cycle: reason required, history and audit with the why, sessions ended; a second disable is refused like the console', async () => {
    const dataDir = makeTempDir('govmail-disable-');
    try {
      let services = await openServices(dataDir);
      const person = await seedPerson(services, { address: 'zhaolei@haining.gov.cn', displayName: '赵磊' });
      await services.db.insertInto('web_sessions').values({ token_hash: 'a'.repeat(64), account_id: person.id, csrf_token: 'c', ip: null, user_agent: null, created_at: 1, last_seen_at: 1 }).execute();
      await services.close();

      const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--data-dir', dataDir], { cwd: root, env: { ...process.env, GOVMAIL_LOG_LEVEL: 'silent' } });
      await expect(cli('user', 'disable', person.address)).rejects.toMatchObject({ stderr: expect.stringContaining('--reason') });
      const { stdout } = await cli('user', 'disable', person.address, '--reason', '调离海宁市');
      expect(stdout).toContain('disabled zhaolei@haining.gov.cn');
      const again = cli('user', 'disable', person.address, '--reason', '再次停用');
      await expect(again).rejects.toMatchObject({ stderr: expect.stringContaining(ERROR_CATALOGUE['account.illegal_transition'].message) });
      await expect(again).rejects.toMatchObject({ stderr: expect.stringContaining('suspend from suspended') });

      services = await openServices(dataDir);
      try {
        expect((await services.directory.getAccount(person.address)).state).toBe('suspended');
        const history = await services.lifecycle.history(person.id);
        expect(history.map((h) => [h.from_state, h.to_state, h.action, h.actor, h.reason])).toEqual([['active', 'suspended', 'suspend', 'cli', '调离海宁市']]);
        const audit = await services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.lifecycle.suspend').execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({ actor: 'cli', target: person.address, protocol: 'cli' });
        expect(JSON.parse(audit[0]!.details)).toMatchObject({ from: 'active', to: 'suspended', reason: '调离海宁市', sessionsEnded: 1 });
        expect(await services.db.selectFrom('web_sessions').select('token_hash').where('account_id', '=', person.id).execute()).toHaveLength(0);
      } finally {
        await services.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000); // three CLI processes (tsx start-up each), slow on a loaded 2-CPU machine
});

describe('DirectoryService through the life cycle', () => {
  it('disableAccount refuses what the transition table refuses (deactivated, purged, pending) and requires a reason', async () => {
    const t = await createTempServices();
    try {
      const { services } = t;
      const person = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜' });
      await expect(services.directory.disableAccount(person.address, ' ', SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'INVALID' });
      for (const state of ['deactivated', 'purged', 'pending_activation', 'deactivating'] as const) {
        await services.db.updateTable('accounts').set({ state }).where('id', '=', person.id).execute();
        await expect(services.directory.disableAccount(person.address, '离职', SYSTEM_ACTOR)).rejects.toBeInstanceOf(IllegalTransition);
        expect((await services.directory.getAccount(person.address)).state).toBe(state);
      }
      // Locked → suspended is allowed (as in the console).
      await services.db.updateTable('accounts').set({ state: 'locked' }).where('id', '=', person.id).execute();
      await services.directory.disableAccount(person.address, '离职', SYSTEM_ACTOR);
      expect((await services.directory.getAccount(person.address)).state).toBe('suspended');
      expect((await services.lifecycle.history(person.id)).map((h) => h.action)).toEqual(['suspend']);
    } finally {
      await t.cleanup();
    }
  });

  it('an operator setting the first password activates through the life cycle (history + audit)', async () => {
    const t = await createTempServices();
    try {
      const { services } = t;
      await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
      const pending = await services.directory.createAccount({ address: 'zhoumin@haining.gov.cn', displayName: '周敏', unitCode: 'hn' }, SYSTEM_ACTOR);
      expect(pending.state).toBe('pending_activation');
      await services.directory.setPassword(pending.address, 'Qiantang#River2026', SYSTEM_ACTOR);
      expect((await services.directory.getAccount(pending.address)).state).toBe('active');
      expect((await services.lifecycle.history(pending.id)).map((h) => [h.from_state, h.to_state, h.action])).toEqual([['pending_activation', 'active', 'activate']]);
      expect(await services.db.selectFrom('audit_log').select('id').where('action', '=', 'account.lifecycle.activate').execute()).toHaveLength(1);
      // A suspended account keeps its state when its password is set.
      await services.directory.disableAccount(pending.address, '停用', SYSTEM_ACTOR);
      await services.directory.setPassword(pending.address, 'Haichao#Tide2027x', SYSTEM_ACTOR);
      expect((await services.directory.getAccount(pending.address)).state).toBe('suspended');
    } finally {
      await t.cleanup();
    }
  });
});

describe('accounts.state has one writer', () => {
  it('no server code outside lifecycle.ts sets accounts.state in an UPDATE', () => {
    const serverDir = path.join(root, 'server');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(full);
      }
    };
    walk(serverDir);
    const writers: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // An UPDATE of accounts whose .set({...}) names `state` (up to the end of the statement).
      for (const match of text.matchAll(/updateTable\(\s*'accounts'\s*\)([\s\S]*?)\.execute/g)) {
        const set = /\.set\(\s*\{([\s\S]*?)\}\s*\)/.exec(match[1]!)?.[1] ?? '';
        if (/(^|[\s,{])state\s*[:,}]/.test(set) || /(^|[\s,{])state\s*$/.test(set)) writers.push(path.relative(root, file));
      }
    }
    expect(files.length).toBeGreaterThan(50);
    expect([...new Set(writers)]).toEqual(['server/governance/accounts/lifecycle.ts']);
  });
});
