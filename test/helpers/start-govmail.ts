/**
 * Starts a real govmail for a test: every listener on an OS-chosen port (0), a throw-away data
 * directory, argon2 turned down so logins are fast, logs silent. Seeds unit `hn` (海宁市) and a
 * few people with SEED_PASSWORD. `startGovmailChild` runs the same in a separate process, for
 * tests that must kill the server outright (SIGKILL) and start it again on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../server/config/load.js';
import type { ConfigInput, GovmailConfig } from '../../server/config/schema.js';
import { startGovmail, type RunningGovmail, type StartOptions } from '../../server/main.js';
import type { Services } from '../../server/services.js';
import { BlobStore } from '../../server/storage/blob-store.js';
import type { Account, MessageRow } from '../../server/storage/database.js';
import { makeTempDir, SEED_PASSWORD, seedPerson, testBlobEncryption, type SeedPersonInput } from './temp-services.js';

export { SEED_PASSWORD };

/** The people every test server starts with (unit `hn`). */
export const DEFAULT_PEOPLE: readonly SeedPersonInput[] = [
  { address: 'zhangwei@haining.gov.cn', displayName: '张伟' },
  { address: 'lina@haining.gov.cn', displayName: '李娜' },
  { address: 'wangfang@haining.gov.cn', displayName: '王芳' },
];

/** Overrides that put every listener on port 0 and keep tests fast and quiet. */
export function testConfigOverrides(dataDir: string, overrides: ConfigInput = {}): ConfigInput {
  const zero = { host: '127.0.0.1', port: 0 };
  return {
    ...overrides,
    dataDir,
    smtp: { ...overrides.smtp, mx: zero, submission: zero, submissions: zero },
    imap: { ...overrides.imap, plain: zero, tls: zero },
    pop3: { ...overrides.pop3, plain: zero, tls: zero },
    http: { ...overrides.http, listen: zero },
    auth: { argon2MemoryKib: 1024, argon2Iterations: 1, ...overrides.auth },
    // No test sends to the real internet: the queue sender runs only where a test turns it on.
    outbound: { senderEnabled: false, ...overrides.outbound },
    // The inbound checks (SPEC 4.2) stamp and may hold MX mail; tests of them turn them on.
    inbound: { enabled: false, ...overrides.inbound },
    logLevel: overrides.logLevel ?? 'silent',
    // GOVMAIL_TEST_BLOB_ENCRYPTION=1 runs a suite over a store encrypted at rest (NAME=crypto).
    ...(testBlobEncryption() && !overrides.blobEncryption ? { blobEncryption: testBlobEncryption() } : {}),
  };
}

export interface TestGovmail {
  running: RunningGovmail;
  services: Services;
  config: GovmailConfig;
  ports: RunningGovmail['ports'];
  dataDir: string;
  /** Seeded accounts by address. */
  people: Map<string, Account>;
  /** Adds one more active person (unit `hn` unless given). */
  addPerson(input: SeedPersonInput): Promise<Account>;
  /** The INBOX rows of an account, oldest first. */
  inbox(address: string): Promise<MessageRow[]>;
  /** Rows and blob files, to check that a refused message left nothing behind. */
  counts(): Promise<StoreCounts>;
  /** Stops the listeners, closes the database and (unless kept) removes the data directory. */
  stop(): Promise<void>;
}

export interface StoreCounts {
  messages: number;
  blobs: number;
  blobFiles: number;
  outbound: number;
}

export interface StartTestGovmailOptions {
  overrides?: ConfigInput;
  /** People to create; default DEFAULT_PEOPLE. */
  people?: readonly SeedPersonInput[];
  /** An existing data directory (kept on stop); default a new temporary one (removed on stop). */
  dataDir?: string;
  /** Passed to startGovmail (clock, the outbound sender's DNS …). */
  start?: StartOptions;
}

export async function startTestGovmail(options: StartTestGovmailOptions = {}): Promise<TestGovmail> {
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? makeTempDir('govmail-smtp-');
  let running: RunningGovmail;
  let config: GovmailConfig;
  try {
    config = loadConfig({ overrides: testConfigOverrides(dataDir, options.overrides), env: {} });
    running = await startGovmail(config, options.start ?? {});
  } catch (err) {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const services = running.services;
  const people = new Map<string, Account>();
  const addPerson = async (input: SeedPersonInput) => {
    const account = await seedPerson(services, input);
    people.set(account.address, account);
    return account;
  };
  let stopped = false;
  const gm: TestGovmail = {
    running,
    services,
    config,
    ports: running.ports,
    dataDir,
    people,
    addPerson,
    inbox: (address) => inboxOf(services, address),
    counts: () => storeCounts(services),
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const person of options.people ?? DEFAULT_PEOPLE) await addPerson(person);
  } catch (err) {
    await gm.stop();
    throw err;
  }
  return gm;
}

export async function inboxOf(services: Services, address: string): Promise<MessageRow[]> {
  return services.db
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .innerJoin('accounts', 'accounts.id', 'mailboxes.account_id')
    .selectAll('messages')
    .where('accounts.address', '=', address.toLowerCase())
    .where('mailboxes.name', '=', 'INBOX')
    .orderBy('messages.uid')
    .execute();
}

export async function storeCounts(services: Services): Promise<StoreCounts> {
  const count = async (table: 'messages' | 'blobs' | 'outbound_queue') => {
    const row = await services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  let blobFiles = 0;
  for await (const _hash of services.blobs.list()) blobFiles++;
  return { messages: await count('messages'), blobs: await count('blobs'), blobFiles, outbound: await count('outbound_queue') };
}

// ── govmail in a child process ─────────────────────────────────────────────────────────

export interface ChildGovmail {
  child: ChildProcess;
  ports: RunningGovmail['ports'];
  dataDir: string;
  /** Kills the process with the signal and waits until it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** What govmail-child.ts reads from GOVMAIL_CHILD_CONFIG. */
export interface ChildRequest {
  overrides: ConfigInput;
  /** People to create when their address does not exist yet. */
  people?: readonly SeedPersonInput[];
}

const CHILD_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'govmail-child.ts');
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts govmail in a child process (`node --import tsx test/helpers/govmail-child.ts`) on the
 * given data directory and resolves once it prints `READY {ports}`.
 */
export async function startGovmailChild(options: { dataDir: string; overrides?: ConfigInput; people?: readonly SeedPersonInput[]; timeoutMs?: number }): Promise<ChildGovmail> {
  const request: ChildRequest = { overrides: testConfigOverrides(options.dataDir, options.overrides), people: options.people ?? DEFAULT_PEOPLE };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_ENTRY], {
    cwd: REPO_ROOT,
    env: { ...process.env, GOVMAIL_CHILD_CONFIG: JSON.stringify(request) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const ports = await new Promise<RunningGovmail['ports']>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`govmail child did not become ready in time; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = /^READY (.*)$/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line[1]!) as RunningGovmail['ports']);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`govmail child exited early (code ${code}, signal ${signal}); stderr:\n${stderr}`));
    });
  });
  return {
    child,
    ports,
    dataDir: options.dataDir,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * "Nothing half-stored": every message row and queue row has its `blobs` row and its file on
 * disk, the file's SHA-256 is its name and its length the recorded size, and each blob's
 * reference count equals the rows that point at it. Returns the problems found (none = intact).
 */
export async function integrityProblems(services: Services): Promise<string[]> {
  const problems: string[] = [];
  const messages = await services.db.selectFrom('messages').select(['id', 'blob_hash', 'size']).execute();
  const queued = await services.db.selectFrom('outbound_queue').select(['id', 'blob_hash']).execute();
  const blobs = await services.db.selectFrom('blobs').selectAll().execute();
  const refs = new Map<string, number>();
  // Held inbound mail keeps one reference while in the quarantine (SPEC 4.2).
  const quarantined = (await services.db.selectFrom('quarantine').select(['id', 'blob_hash']).where('blob_hash', 'is not', null).execute()) as { id: number; blob_hash: string }[];
  for (const r of [...messages, ...queued, ...quarantined]) refs.set(r.blob_hash, (refs.get(r.blob_hash) ?? 0) + 1);
  const byHash = new Map(blobs.map((b) => [b.hash, b]));
  for (const row of messages) {
    const blob = byHash.get(row.blob_hash);
    if (!blob) problems.push(`message ${row.id}: no blobs row for ${row.blob_hash}`);
    else if (Number(blob.size) !== Number(row.size)) problems.push(`message ${row.id}: size ${row.size} but blob size ${blob.size}`);
  }
  for (const blob of blobs) {
    if (Number(blob.ref_count) !== (refs.get(blob.hash) ?? 0)) problems.push(`blob ${blob.hash}: ref_count ${blob.ref_count}, referenced by ${refs.get(blob.hash) ?? 0} rows`);
    if (!existsSync(services.blobs.pathOf(blob.hash))) {
      problems.push(`blob ${blob.hash}: file missing`);
      continue;
    }
    const bytes = await services.blobs.get(blob.hash);
    if (services.blobs.addressOf(bytes) !== blob.hash && BlobStore.hashOf(bytes) !== blob.hash) problems.push(`blob ${blob.hash}: content hash differs`);
    if (bytes.length !== Number(blob.size)) problems.push(`blob ${blob.hash}: ${bytes.length} bytes on disk, ${blob.size} recorded`);
  }
  for (const hash of refs.keys()) if (!byHash.has(hash)) problems.push(`rows reference ${hash}, which has no blobs row`);
  return problems;
}
