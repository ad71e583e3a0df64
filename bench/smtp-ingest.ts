/**
 * SMTP ingest benchmark: N messages over M concurrent connections to local recipients on the
 * MX port, timed from the end of DATA (`<CRLF>.<CRLF>` written) to the `250`. govmail runs in
 * its own process (the load generator must not share its event loop) on a temporary data
 * directory with its production durability: blob fsync and SQLite synchronous=FULL.
 *
 *   npx tsx bench/smtp-ingest.ts [--messages 2000] [--connections 8] [--size 4096]
 *                                [--recipients 20] [--peer postfix] [--postfix-port 2526]
 *
 * `--peer postfix` runs the same load against a Debian Postfix started for the run (as root,
 * `apt-get install postfix`): its own config, queue and data directories under a temporary
 * directory, listening on 127.0.0.1 only, delivering with virtual(8) to Maildirs there, with
 * Postfix's default fsync behaviour. Postfix answers `250` once the message is safely in its
 * queue and delivers afterwards; govmail answers once it is stored in every INBOX. So for
 * Postfix the time until the last message is in its Maildir is printed too.
 *
 * The run is bounded (timeouts everywhere) and cleans up after itself: the govmail child is
 * stopped, Postfix is stopped, the temporary directories are removed, on success, failure or
 * Ctrl-C.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config/load.js';
import { createServices } from '../server/services.js';
import { SmtpWire } from '../test/helpers/smtp-wire.js';
import { startGovmailChild, storeCounts, testConfigOverrides, type ChildGovmail } from '../test/helpers/start-govmail.js';
import { makeTempDir } from '../test/helpers/temp-services.js';

// ── options ───────────────────────────────────────────────────────────────────────────

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '8' },
    size: { type: 'string', default: '4096' },
    recipients: { type: 'string', default: '20' },
    peer: { type: 'string' },
    'postfix-port': { type: 'string', default: '2526' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npx tsx bench/smtp-ingest.ts [--messages N] [--connections M] [--size BYTES] [--recipients R] [--peer postfix] [--postfix-port PORT]');
  process.exit(0);
}

function positive(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be an integer between 1 and ${max}, got ${raw}`);
    process.exit(2);
  }
  return n;
}

/** Bounds keep a run short enough to finish by itself (and the disk from filling). */
const MESSAGES = positive('messages', values.messages!, 100_000);
const CONNECTIONS = positive('connections', values.connections!, 200);
const SIZE = positive('size', values.size!, 10 * 1024 * 1024);
const RECIPIENTS = positive('recipients', values.recipients!, 1000);
const POSTFIX_PORT = positive('postfix-port', values['postfix-port']!, 65535);
const PEER = values.peer;
if (PEER !== undefined && PEER !== 'postfix') {
  console.error(`--peer: only "postfix" is supported, got ${PEER}`);
  process.exit(2);
}
/** Warm-up messages per connection, not counted (connection setup, JIT, first fsyncs). */
const WARMUP_PER_CONNECTION = 5;
const DOMAIN = 'haining.gov.cn';
const recipientAddress = (i: number) => `bench${String(i + 1).padStart(3, '0')}@${DOMAIN}`;

// ── the load ──────────────────────────────────────────────────────────────────────────

/** A message of about `size` bytes, unique per index (so every one is a new blob). */
function message(index: number, to: string, size: number): Buffer {
  const head = [
    'From: "市政府办公室" <bgs@example.org>',
    `To: ${to}`,
    `Subject: =?UTF-8?B?${Buffer.from(`关于做好汛期值班工作的通知（第${index}号）`).toString('base64')}?=`,
    'Date: Tue, 04 Mar 2025 13:48:05 +0800',
    `Message-ID: <bench.${index}.${process.pid}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  const line = '各镇（街道）、市级各部门：请落实汛期值班制度，确保信息畅通。\r\n';
  const lineBytes = Buffer.byteLength(line);
  const bodyLines = Math.max(1, Math.ceil((size - Buffer.byteLength(head)) / lineBytes));
  return Buffer.from(head + line.repeat(bodyLines), 'utf8');
}

interface LoadResult {
  messages: number;
  /** performance.now() when the timed part began (after every connection's warm-up). */
  startedAt: number;
  seconds: number;
  latenciesMs: number[];
  failures: string[];
}

async function runLoad(port: number, total: number, connections: number): Promise<LoadResult> {
  let next = 0;
  const latencies: number[] = [];
  const failures: string[] = [];
  const worker = async (w: number) => {
    const wire = await SmtpWire.connect(port, { timeoutMs: 120_000 });
    try {
      if ((await wire.ehlo('bench.example.org')).code !== 250) throw new Error('EHLO refused');
      for (let i = 0; i < WARMUP_PER_CONNECTION; i++) {
        const to = recipientAddress((w + i) % RECIPIENTS);
        const reply = await wire.sendMail({ from: 'bgs@example.org', to: [to] }, message(-1 - w * 1000 - i, to, SIZE));
        if (reply.code !== 250) throw new Error(`warm-up refused: ${reply.code} ${reply.text}`);
      }
      await barrier();
      for (;;) {
        const index = next++;
        if (index >= total) break;
        const to = recipientAddress(index % RECIPIENTS);
        const reply = await wire.sendMail({ from: 'bgs@example.org', to: [to] }, message(index, to, SIZE));
        if (reply.code === 250) latencies.push(reply.ms);
        else failures.push(`${reply.stage}: ${reply.code} ${reply.text}`);
      }
    } finally {
      await wire.quit();
    }
  };
  // Every connection finishes its warm-up before the clock starts.
  let waiting = connections;
  let release!: () => void;
  const allWarm = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const barrier = async () => {
    if (--waiting === 0) {
      started = performance.now();
      release();
    }
    await allWarm;
  };
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  return { messages: latencies.length, startedAt: started, seconds: (performance.now() - started) / 1000, latenciesMs: latencies, failures };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Figures {
  name: string;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  seconds: number;
  stored: number;
  /** Seconds from the start of the load until every message was in its final mailbox. */
  allDeliveredSeconds: number;
  failures: number;
}

function figures(name: string, load: LoadResult, stored: number, allDeliveredSeconds: number): Figures {
  const sorted = [...load.latenciesMs].sort((a, b) => a - b);
  return {
    name,
    rate: load.messages / load.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    seconds: load.seconds,
    stored,
    allDeliveredSeconds,
    failures: load.failures.length,
  };
}

// ── govmail ───────────────────────────────────────────────────────────────────────────

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanupAll(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch (err) {
      console.error('cleanup:', (err as Error).message);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanupAll().then(() => process.exit(130));
  });
}

async function benchGovmail(): Promise<Figures> {
  const dataDir = makeTempDir('govmail-bench-');
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const people = Array.from({ length: RECIPIENTS }, (_, i) => ({ address: recipientAddress(i), displayName: `测试用户${i + 1}` }));
  const child: ChildGovmail = await startGovmailChild({ dataDir, people, timeoutMs: 120_000 });
  cleanups.push(() => child.kill('SIGKILL'));
  const load = await runLoad(child.ports.smtp, MESSAGES, CONNECTIONS);
  await child.kill('SIGTERM');

  // Count what is stored, with the server stopped (every 250 was a committed row).
  const services = await createServices(loadConfig({ overrides: testConfigOverrides(dataDir), env: {} }));
  let stored: number;
  try {
    stored = (await storeCounts(services)).messages - CONNECTIONS * WARMUP_PER_CONNECTION;
  } finally {
    await services.close();
  }
  return figures('govmail', load, stored, load.seconds);
}

// ── postfix ───────────────────────────────────────────────────────────────────────────

function run(file: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout + stderr)));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function countMaildirFiles(base: string): number {
  let n = 0;
  for (const box of readdirSync(base)) {
    for (const sub of ['new', 'cur']) {
      const dir = path.join(base, box, sub);
      if (existsSync(dir)) n += readdirSync(dir).length;
    }
  }
  return n;
}

/** Postfix's own uid/gid for mailbox files: `nobody` (virtual(8) refuses root). */
function nobody(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('no "nobody" user in /etc/passwd');
  return { uid: Number(uid), gid: Number(gid) };
}

async function benchPostfix(): Promise<Figures> {
  const postfix = '/usr/sbin/postfix';
  if (!existsSync(postfix)) throw new Error('Postfix is not installed: DEBIAN_FRONTEND=noninteractive apt-get install -y postfix');
  if (process.getuid?.() !== 0) throw new Error('--peer postfix must run as root (postfix start is reserved for the superuser)');
  const free = await new Promise<boolean>((resolve) => {
    const s = net.connect({ port: POSTFIX_PORT, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
  if (!free) throw new Error(`127.0.0.1:${POSTFIX_PORT} is in use; pick another with --postfix-port`);

  const base = mkdtempSync(path.join(os.tmpdir(), 'govmail-bench-postfix-'));
  cleanups.push(() => rmSync(base, { recursive: true, force: true }));
  chmodSync(base, 0o755);
  const dirs = { config: path.join(base, 'config'), queue: path.join(base, 'queue'), data: path.join(base, 'data'), vmail: path.join(base, 'vmail') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const owner = nobody();
  chownSync(dirs.vmail, owner.uid, owner.gid);
  const postfixUser = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postfix:'))?.split(':');
  if (!postfixUser) throw new Error('no "postfix" user (is the package installed?)');
  chownSync(dirs.data, Number(postfixUser[2]), Number(postfixUser[3]));

  writeFileSync(
    path.join(dirs.config, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dirs.queue}`,
      `data_directory = ${dirs.data}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = bench.localdomain',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      `virtual_mailbox_domains = ${DOMAIN}`,
      `virtual_mailbox_base = ${dirs.vmail}`,
      `virtual_mailbox_maps = texthash:${path.join(dirs.config, 'vmailbox')}`,
      `virtual_uid_maps = static:${owner.uid}`,
      `virtual_gid_maps = static:${owner.gid}`,
      'virtual_mailbox_limit = 0',
      'message_size_limit = 52428800',
      'alias_maps =',
      'alias_database =',
      'biff = no',
      `maillog_file_prefixes = ${base}`,
      `maillog_file = ${path.join(base, 'postfix.log')}`,
      '',
    ].join('\n'),
  );
  // Maildir (trailing slash): virtual(8) writes tmp/, fsyncs, and renames into new/.
  writeFileSync(path.join(dirs.config, 'vmailbox'), Array.from({ length: RECIPIENTS }, (_, i) => `${recipientAddress(i)} ${recipientAddress(i).split('@')[0]}/\n`).join(''));
  // No chroot (the queue directory is a fresh temporary one); otherwise Debian's services.
  writeFileSync(
    path.join(dirs.config, 'master.cf'),
    [
      `127.0.0.1:${POSTFIX_PORT} inet n - n - - smtpd`,
      'pickup unix n - n 60 1 pickup',
      'cleanup unix n - n - 0 cleanup',
      'qmgr unix n - n 300 1 qmgr',
      'rewrite unix - - n - - trivial-rewrite',
      'bounce unix - - n - 0 bounce',
      'defer unix - - n - 0 bounce',
      'trace unix - - n - 0 bounce',
      'verify unix - - n - 1 verify',
      'flush unix n - n 1000? 0 flush',
      'proxymap unix - - n - - proxymap',
      'proxywrite unix - - n - 1 proxymap',
      'smtp unix - - n - - smtp',
      'relay unix - - n - - smtp',
      'showq unix n - n - - showq',
      'error unix - - n - - error',
      'retry unix - - n - - error',
      'discard unix - - n - - discard',
      'local unix - n n - - local',
      'virtual unix - n n - - virtual',
      'lmtp unix - - n - - lmtp',
      'anvil unix - - n - 1 anvil',
      'scache unix - - n - 1 scache',
      'postlog unix-dgram n - n - 1 postlogd',
      '',
    ].join('\n'),
  );

  await run(postfix, ['-c', dirs.config, 'start']);
  const pidFile = path.join(dirs.queue, 'pid', 'master.pid');
  const masterPid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || null : null;
  cleanups.push(async () => {
    await run(postfix, ['-c', dirs.config, 'stop']).catch(() => undefined);
    // `postfix stop` returns before the master has exited: wait for that process (named by
    // its pid file, which stays behind) to end, and kill it if it does not within 10 s.
    const pid = masterPid;
    if (pid === null) return;
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  await waitForPort(POSTFIX_PORT, 20_000);

  const load = await runLoad(POSTFIX_PORT, MESSAGES, CONNECTIONS);
  const expected = MESSAGES + CONNECTIONS * WARMUP_PER_CONNECTION;
  const deadline = Date.now() + 300_000;
  let delivered = countMaildirFiles(dirs.vmail);
  while (delivered < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    delivered = countMaildirFiles(dirs.vmail);
  }
  const allDelivered = (performance.now() - load.startedAt) / 1000;
  if (delivered < expected) console.error(`postfix: only ${delivered} of ${expected} messages reached the Maildirs within the time limit`);
  return figures('postfix', load, delivered - CONNECTIONS * WARMUP_PER_CONNECTION, allDelivered);
}

// ── main ──────────────────────────────────────────────────────────────────────────────

function table(rows: Figures[]): void {
  const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const lines: [string, (f: Figures) => string][] = [
    ['messages/s (250s received)', (f) => fmt(f.rate)],
    ['end of DATA → 250, p50 ms', (f) => fmt(f.p50, 2)],
    ['end of DATA → 250, p99 ms', (f) => fmt(f.p99, 2)],
    ['end of DATA → 250, max ms', (f) => fmt(f.max, 2)],
    ['load duration s', (f) => fmt(f.seconds, 2)],
    ['all in final mailbox after s', (f) => fmt(f.allDeliveredSeconds, 2)],
    ['stored in mailboxes', (f) => String(f.stored)],
    ['refused', (f) => String(f.failures)],
  ];
  const width = Math.max(...lines.map(([l]) => l.length)) + 2;
  console.log(''.padEnd(width) + rows.map((r) => r.name.padStart(12)).join(''));
  for (const [label, value] of lines) console.log(label.padEnd(width) + rows.map((r) => value(r).padStart(12)).join(''));
}

async function main(): Promise<void> {
  console.log(`smtp-ingest: ${MESSAGES} messages of ~${SIZE} bytes over ${CONNECTIONS} connections to ${RECIPIENTS} local recipients (+${WARMUP_PER_CONNECTION} warm-up per connection)`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()} ${os.release()}`);
  const results: Figures[] = [await benchGovmail()];
  await cleanupAll();
  if (PEER === 'postfix') {
    results.push(await benchPostfix());
    await cleanupAll();
  }
  console.log('');
  table(results);
  if (results.length === 2) {
    const [g, p] = results as [Figures, Figures];
    console.log('');
    console.log(`govmail / postfix, messages/s: ${(g.rate / p.rate).toFixed(2)}×;  p50: ${(g.p50 / p.p50).toFixed(2)}×;  p99: ${(g.p99 / p.p99).toFixed(2)}×`);
    console.log(`govmail / postfix, time until all are in their mailboxes: ${(g.allDeliveredSeconds / p.allDeliveredSeconds).toFixed(2)}×`);
  }
  const bad = results.filter((r) => r.failures > 0 || r.stored < MESSAGES);
  if (bad.length) {
    console.error(`\nwarning: ${bad.map((r) => `${r.name}: ${r.failures} refused, ${r.stored}/${MESSAGES} stored`).join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await cleanupAll();
  process.exit(1);
});
