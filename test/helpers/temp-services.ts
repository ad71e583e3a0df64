/**
 * Real services over a throw-away data directory: a real SQLite file and a real blob store on
 * disk under os.tmpdir() (CONVENTIONS: real parts, never mocks). argon2 is turned down to its
 * minimum so tests that hash passwords stay fast; everything else is the production default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config/load.js';
import type { ConfigInput } from '../../server/config/schema.js';
import type { Clock } from '../../server/platform/clock.js';
import { createServices, type Services } from '../../server/services.js';
import type { Account, Role } from '../../server/storage/database.js';
import type { Actor } from '../../server/governance/directory/directory-service.js';
import { BlobKeyring } from '../../server/storage/blob-keyring.js';

let testKeyring: string | undefined;
/**
 * With GOVMAIL_TEST_BLOB_ENCRYPTION=1 every test server encrypts its blob store at rest, under
 * one keyring per test process (so a restarted server still reads its blobs). Off by default.
 */
export function testBlobEncryption(): { keyring: string } | undefined {
  if (process.env.GOVMAIL_TEST_BLOB_ENCRYPTION !== '1') return undefined;
  testKeyring ??= JSON.stringify(BlobKeyring.generate());
  return { keyring: testKeyring };
}

/** A password that satisfies the policy for every seeded person. */
export const SEED_PASSWORD = 'Qiantang#River2026';

export const SYSTEM_ACTOR: Actor = { address: 'system', via: 'system' };

export interface TempServices {
  services: Services;
  dataDir: string;
  /** Closes the database and removes the data directory. Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface TempServicesOptions {
  clock?: Clock;
  /** Merged over the test defaults (dataDir is always the temp directory). */
  overrides?: ConfigInput;
}

export function makeTempDir(prefix = 'govmail-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function createTempServices(options: TempServicesOptions = {}): Promise<TempServices> {
  const dataDir = makeTempDir();
  const overrides = options.overrides ?? {};
  const config = loadConfig({
    overrides: {
      ...overrides,
      dataDir,
      auth: { argon2MemoryKib: 1024, argon2Iterations: 1, ...overrides.auth },
      // The inbound checks (SPEC 4.2) stamp and may hold MX mail; tests of them turn them on.
      inbound: { enabled: false, ...overrides.inbound },
      logLevel: overrides.logLevel ?? 'silent',
      ...(testBlobEncryption() && !overrides.blobEncryption ? { blobEncryption: testBlobEncryption() } : {}),
    },
    env: {},
  });
  let services: Services;
  try {
    services = await createServices(config, options.clock ? { clock: options.clock } : {});
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let closed = false;
  return {
    services,
    dataDir,
    cleanup: async () => {
      if (!closed) {
        closed = true;
        await services.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SeedPersonInput {
  address: string;
  displayName: string;
  /** Defaults to `hn`, created (as 海宁市) when missing. */
  unitCode?: string;
  roles?: Role[];
  quotaBytes?: number;
}

/** Creates an active account with SEED_PASSWORD (and its default mailboxes). */
export async function seedPerson(services: Services, input: SeedPersonInput): Promise<Account> {
  const unitCode = input.unitCode ?? 'hn';
  const units = await services.directory.listUnits();
  if (!units.some((u) => u.code === unitCode)) {
    if (unitCode !== 'hn') throw new Error(`seedPerson: unit ${unitCode} does not exist (only 'hn' is created on demand)`);
    await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
  }
  return services.directory.createAccount(
    {
      address: input.address,
      displayName: input.displayName,
      unitCode,
      password: SEED_PASSWORD,
      ...(input.roles ? { roles: input.roles } : {}),
      ...(input.quotaBytes !== undefined ? { quotaBytes: input.quotaBytes } : {}),
    },
    SYSTEM_ACTOR,
  );
}

/** A small RFC 5322 message with CRLF line endings. */
export function rfc5322(options: { from?: string; to?: string; subject?: string; body?: string; messageId?: string } = {}): Buffer {
  const lines = [
    `From: ${options.from ?? 'sender@example.com'}`,
    `To: ${options.to ?? 'someone@haining.gov.cn'}`,
    `Subject: ${options.subject ?? 'test'}`,
    'Date: Tue, 04 Mar 2025 13:48:05 +0800',
    `Message-ID: <${options.messageId ?? `${Math.random().toString(36).slice(2)}@example.com`}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    options.body ?? 'hello',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
