/**
 * DKIM private keys at rest (issue 6): with encryption at rest configured, `govmail dkim generate`
 * stores the key sealed under the blob keyring (SM4 + HMAC-SM3, key outside the data directory),
 * the outbound signer opens it and its signatures verify against the printed record; a plain PEM
 * from before still signs, and `govmail keys migrate` seals it. Without the keyring a sealed key
 * cannot be used; a tampered one is refused.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dkimVerify } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { DkimSigner } from '../delivery/outbound/dkim.js';
import { systemClock } from '../platform/clock.js';
import { createServices, type Services } from '../services.js';
import { SEALED_PREFIX } from '../storage/blob-keyring.js';
import { makeTempDir } from '../../test/helpers/temp-services.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const message = (from: string) => Buffer.from(`From: ${from}\r\nTo: someone@example.com\r\nSubject: test\r\nDate: Sat, 28 Nov 2026 10:00:00 +0800\r\nMessage-ID: <dkim-sealed@x>\r\n\r\nbody\r\n`);

describe('DKIM private keys sealed under the blob keyring', () => {
  it('generate seals, the signer opens, keys migrate seals a plain key from before', async () => {
    const dataDir = makeTempDir('govmail-dkim-sealed-');
    const keyDir = makeTempDir('govmail-dkim-keyring-');
    const keyFile = path.join(keyDir, 'keyring.json');
    const records = new Map<string, string>();
    const cli = async (env: Record<string, string>, ...args: string[]) => {
      const out = await run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--data-dir', dataDir], { cwd: root, env: { ...process.env, GOVMAIL_LOG_LEVEL: 'silent', ...env } });
      const name = /name:\s+(\S+)/.exec(out.stdout)?.[1];
      const value = /value:\s+(.+)/.exec(out.stdout)?.[1];
      if (name && value) records.set(name, value.trim());
      return out.stdout;
    };
    const resolver = async (query: string, type: string) => {
      const value = records.get(query);
      if (value && type === 'TXT') return [[value]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const open = (withKeyring: boolean): Promise<Services> =>
      createServices(loadConfig({ overrides: { dataDir, logLevel: 'silent', ...(withKeyring ? { blobEncryption: { keyFile } } : {}) }, env: {} }));
    const verifies = async (signer: DkimSigner, domain: string) => {
      const signed = await signer.sign(message(`a@${domain}`), domain);
      expect(signed.signed).toBe(true);
      return (await dkimVerify(signed.raw, { resolver })).results.map((r) => r.status.result);
    };
    try {
      // Before encryption at rest: a plain PEM.
      await cli({}, 'dkim', 'generate', 'old.gov.cn', '--selector', 's1');
      await cli({}, 'keys', 'init', '--file', keyFile);
      const withKey = { GOVMAIL_BLOB_ENCRYPTION_KEY_FILE: keyFile };
      await cli(withKey, 'dkim', 'generate', 'haining.gov.cn', '--selector', 's2');

      let services = await open(true);
      try {
        const rows = await services.db.selectFrom('dkim_keys').select(['domain', 'private_key_pem']).orderBy('domain').execute();
        const byDomain = Object.fromEntries(rows.map((r) => [r.domain, r.private_key_pem]));
        expect(byDomain['old.gov.cn']).toMatch(/^-----BEGIN PRIVATE KEY-----/);
        expect(byDomain['haining.gov.cn']!.startsWith(`${SEALED_PREFIX}k1:`)).toBe(true);
        expect(byDomain['haining.gov.cn']).not.toContain('PRIVATE KEY');
        // The outbound signer (the one services builds) opens the sealed key; both keys verify.
        expect(await verifies(services.dkim, 'haining.gov.cn')).toEqual(['pass']);
        expect(await verifies(services.dkim, 'old.gov.cn')).toEqual(['pass']);
      } finally {
        await services.close();
      }

      // Without the keyring the sealed key cannot be used (the plain one still can).
      services = await open(false);
      try {
        await expect(new DkimSigner(services.db, systemClock).sign(message('a@haining.gov.cn'), 'haining.gov.cn')).rejects.toThrow(/no blob keyring/);
        expect(await verifies(services.dkim, 'old.gov.cn')).toEqual(['pass']);
      } finally {
        await services.close();
      }

      // Migration: keys migrate seals the plain key from before.
      const out = await cli(withKey, 'keys', 'migrate');
      expect(out).toContain('1 DKIM private key(s) sealed under key k1');
      services = await open(true);
      try {
        const rows = await services.db.selectFrom('dkim_keys').select(['id', 'domain', 'private_key_pem']).execute();
        expect(rows.every((r) => r.private_key_pem.startsWith(SEALED_PREFIX))).toBe(true);
        expect(await verifies(services.dkim, 'old.gov.cn')).toEqual(['pass']);
        // A sealed key changed in the database is refused (integrity tag), never used.
        const row = rows.find((r) => r.domain === 'old.gov.cn')!;
        const body = row.private_key_pem.slice(-20);
        const flipped = body[0] === 'A' ? 'B' + body.slice(1) : 'A' + body.slice(1);
        await services.db.updateTable('dkim_keys').set({ private_key_pem: row.private_key_pem.slice(0, -20) + flipped }).where('id', '=', row.id).execute();
        await expect(services.dkim.sign(message('a@old.gov.cn'), 'old.gov.cn')).rejects.toThrow(/integrity|sealed secret/);
        const audit = await services.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'keys.migrate.dkim').execute();
        expect(audit).toHaveLength(1);
      } finally {
        await services.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(keyDir, { recursive: true, force: true });
    }
  }, 300_000); // five CLI processes (tsx start-up each), slow on a loaded 2-CPU machine
});
