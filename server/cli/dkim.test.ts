/**
 * `govmail dkim generate` end to end: the CLI creates the key in the data directory's database
 * and prints the TXT record; a message signed with the stored key verifies with mailauth's
 * verifier when DNS (a fake resolver) serves exactly the printed record.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { dkimVerify } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { DkimSigner } from '../delivery/outbound/dkim.js';
import { systemClock } from '../platform/clock.js';
import { createServices } from '../services.js';
import { makeTempDir } from '../../test/helpers/temp-services.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('govmail dkim generate', () => {
  it('prints a TXT record that verifies signatures made with the stored key', async () => {
    const dataDir = makeTempDir('govmail-dkim-');
    try {
      const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--data-dir', dataDir], { cwd: root, env: { ...process.env, GOVMAIL_LOG_LEVEL: 'silent' } });
      const { stdout } = await cli('dkim', 'generate', 'haining.gov.cn', '--selector', 's2026');
      const name = /name:\s+(\S+)/.exec(stdout)![1]!;
      const value = /value:\s+(.+)/.exec(stdout)![1]!.trim();
      expect(name).toBe('s2026._domainkey.haining.gov.cn');
      expect(value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
      // a second key with the same selector is refused
      await expect(cli('dkim', 'generate', 'haining.gov.cn', '--selector', 's2026')).rejects.toMatchObject({ stderr: expect.stringContaining('exists already') });

      const services = await createServices(loadConfig({ overrides: { dataDir, logLevel: 'silent' }, env: {} }));
      try {
        const raw = Buffer.from('From: zhangwei@haining.gov.cn\r\nTo: someone@example.com\r\nSubject: test\r\nDate: Sat, 28 Nov 2026 10:00:00 +0800\r\nMessage-ID: <dkim-cli@haining.gov.cn>\r\n\r\nbody\r\n');
        const signed = await new DkimSigner(services.db, systemClock).sign(raw, 'haining.gov.cn');
        expect(signed.signed).toBe(true);
        const resolver = async (query: string, type: string) => {
          if (query === name && type === 'TXT') return [[value]];
          throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        };
        const ok = await dkimVerify(signed.raw, { resolver });
        expect(ok.results.map((r) => r.status.result)).toEqual(['pass']);
        // tampering breaks it
        const tampered = Buffer.from(signed.raw.toString('latin1').replace('body', 'bodY'), 'latin1');
        expect((await dkimVerify(tampered, { resolver })).results.map((r) => r.status.result)).not.toContain('pass');
        const audit = await services.db.selectFrom('audit_log').selectAll().where('action', '=', 'dkim.generate').execute();
        expect(audit.map((a) => a.target)).toEqual([name]);
      } finally {
        await services.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
