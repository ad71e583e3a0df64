/**
 * IMAP load benchmark (issue 3): N concurrent clients doing a mixed load for S seconds on one
 * INBOX of M realistic Chinese messages, then K connections parked in IDLE to measure the
 * server's resident memory per idle connection.
 *
 *   npx tsx bench/imap-load.ts [--clients 8] [--seconds 20] [--messages 2000]
 *                              [--idle-connections 1000] [--peer dovecot] [--dovecot-port 0]
 *                              [--dovecot-mode default|tuned]
 *
 * govmail runs in its own process (bench/govmail-bench-child.ts: test/helpers/govmail-child.ts
 * under `node --expose-gc`) on a temporary data directory with its production durability (blob
 * fsync, SQLite synchronous=FULL), so the load generator shares neither its event loop nor its
 * memory: RSS is read from /proc/<pid>/status. GOVMAIL_BENCH_NODE_ARGS adds node options to
 * that process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 * The mailboxes are seeded before the child starts, through `services.delivery.deliver` — the
 * same path as SMTP delivery.
 *
 * `--peer dovecot` runs the same load and the same idle test against Debian's Dovecot
 * (`apt-get install dovecot-imapd`, as root), started for the run with its own configuration
 * under a temporary directory (see dovecot-peer.ts) and seeded with the same bytes by APPEND.
 * `--dovecot-mode default` keeps Debian's process model (a login and an imap process per TLS
 * session); `tuned` uses high-performance login and IMAP hibernation for IDLE sessions.
 *
 * Transport: implicit TLS on both (govmail's imaps listener, Dovecot's imaps), with one
 * self-signed RSA-2048 certificate made for the run by openssl and given to both servers, so
 * both negotiate the same protocol and cipher. Plain TCP is not an option: govmail refuses LOGIN
 * before STARTTLS.
 *
 * The mixed load: each client logs in, SELECTs INBOX, then draws operations from a fixed
 * weighted table with its own seeded PRNG (the same sequence for both servers). Every operation
 * is one IMAP command, timed from its write to its tagged completion, by a raw client
 * (imap-wire.ts) so that both servers receive the same bytes. FETCH and STORE address the seeded
 * messages (never expunged); each APPEND adds a message that a later EXPUNGE operation (UID
 * STORE +FLAGS.SILENT (\Deleted), then EXPUNGE) removes, so the mailbox stays near M messages.
 * A warm-up (a tenth of S, at most 3 s) runs first and is not counted.
 *
 * The idle test runs on a freshly started govmail (the load's garbage would be collected, or
 * not, in the middle of the measurement) and on Dovecot after the load. On both, 20 idle
 * connections are opened and dropped first (code compiled, processes forked, caches filled),
 * then the baseline is taken at rest; K connections are opened (LOGIN, SELECT INBOX, IDLE);
 * the second sample is taken at rest. Each sample is the median of three, after 8 s quiet;
 * for govmail, after two full garbage collections that the bench triggers (SIGUSR2), so that
 * both samples count live memory and not garbage V8 has yet to collect (without it, GC swings
 * of tens of MiB drown the figure). govmail is one process: VmRSS. Dovecot is a process tree
 * (by default one imap-login and one imap process per TLS session): both the summed VmRSS and
 * the summed PSS are printed, PSS being the fair figure since it shares out the pages the
 * processes have in common. Connection limits shape the test: govmail allows 20 sessions per
 * account and 200 per client address, so idle sessions are 10 per user (K/10 users, each with
 * 20 messages) from 127.0.0.2, .3, … (150 each); load clients are 16 per user at most.
 *
 * Responses are checked on the way: NO/BAD, a missing APPENDUID, a BODY.PEEK[] whose size
 * differs from the bytes seeded, a SEARCH SUBJECT that misses the seeded message, an EXPUNGE
 * inside the response to FETCH 1:* or FETCH responses that do not cover 1:EXISTS:
 * each is counted and the first of each kind is printed with command and response.
 *
 * The run is bounded (a per-command timeout and an overall watchdog) and cleans up after
 * itself on success, failure or Ctrl-C: govmail child, Dovecot processes, temporary directories.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config/load.js';
import type { ConfigInput } from '../server/config/schema.js';
import { createServices } from '../server/services.js';
import { testConfigOverrides } from '../test/helpers/start-govmail.js';
import { makeTempDir, SEED_PASSWORD, seedPerson } from '../test/helpers/temp-services.js';
import { benchMessage, prng, subjectRef } from './imap-bench-messages.js';
import { startDovecot, type DovecotMode } from './dovecot-peer.js';
import { startGovmailProcess, type GovmailProcess } from './govmail-process.js';
import { ImapError, ImapWire, quote, type ImapReply } from './imap-wire.js';

// ── options ───────────────────────────────────────────────────────────────────────────

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '20' },
    messages: { type: 'string', default: '2000' },
    'idle-connections': { type: 'string', default: '1000' },
    peer: { type: 'string' },
    'dovecot-port': { type: 'string', default: '0' },
    'dovecot-mode': { type: 'string', default: 'default' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npx tsx bench/imap-load.ts [--clients N] [--seconds S] [--messages M] [--idle-connections K] [--peer dovecot] [--dovecot-mode default|tuned] [--dovecot-port PORT]');
  process.exit(0);
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer between ${min} and ${max}, got ${raw}`);
    process.exit(2);
  }
  return n;
}

/** Bounds keep a run short enough to finish by itself. */
const CLIENTS = integer('clients', values.clients!, 1, 200);
const SECONDS = integer('seconds', values.seconds!, 1, 600);
const MESSAGES = integer('messages', values.messages!, 10, 100_000);
const IDLE_REQUESTED = integer('idle-connections', values['idle-connections']!, 0, 20_000);
const DOVECOT_PORT = integer('dovecot-port', values['dovecot-port']!, 0, 65535);
const PEER = values.peer;
const DOVECOT_MODE = values['dovecot-mode'] as DovecotMode;
if (DOVECOT_MODE !== 'default' && DOVECOT_MODE !== 'tuned') {
  console.error(`--dovecot-mode: "default" or "tuned", got ${DOVECOT_MODE}`);
  process.exit(2);
}
if (PEER !== undefined && PEER !== 'dovecot') {
  console.error(`--peer: only "dovecot" is supported, got ${PEER}`);
  process.exit(2);
}
const WARMUP_SECONDS = Math.min(3, SECONDS / 10);
const DOMAIN = 'haining.gov.cn';
/** govmail allows 20 connections per account (server/imap/limits.ts); the load stays below it. */
const CLIENTS_PER_USER = 16;
/** …and 200 per client IP: idle connections come from 127.0.0.2, .3, … 150 each. */
const IDLE_PER_USER = 10;
const IDLE_PER_SOURCE_IP = 150;
/** Messages in each idle user's INBOX (what IDLE sessions typically have selected is not empty). */
const IDLE_USER_MESSAGES = 20;
/** The To: address of the messages every idle user holds (one delivery to all of them). */
const IDLE_TO = `idle@${DOMAIN}`;
/** Idle connections opened at once. */
const IDLE_OPEN_CONCURRENCY = 50;

/** `ulimit -n` of this process: the bench holds one descriptor per idle connection. */
function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && soft !== 'unlimited' ? Number(soft) : Infinity;
  } catch {
    return Infinity;
  }
}
const FD_LIMIT = openFileLimit();
const IDLE = Math.max(0, Math.min(IDLE_REQUESTED, FD_LIMIT - 256));
const idleNote = IDLE < IDLE_REQUESTED ? `--idle-connections lowered from ${IDLE_REQUESTED} to ${IDLE}: ulimit -n is ${FD_LIMIT} (raise it with \`ulimit -n\` to measure more)` : '';

const loadUsers = Array.from({ length: Math.ceil(CLIENTS / CLIENTS_PER_USER) }, (_, i) => `bench${String(i + 1).padStart(2, '0')}@${DOMAIN}`);
const idleUsers = Array.from({ length: Math.ceil(IDLE / IDLE_PER_USER) }, (_, i) => `idle${String(i + 1).padStart(4, '0')}@${DOMAIN}`);

// ── cleanup and the watchdog ──────────────────────────────────────────────────────────

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
/** Seeding (fsync per message), two loads, two idle tests, generous margins. */
const WATCHDOG_MS = (600 + 3 * (SECONDS + WARMUP_SECONDS) + MESSAGES * loadUsers.length * 0.05 + IDLE * 0.2) * 1000;
const watchdog = setTimeout(() => {
  console.error(`\nwatchdog: the bench did not finish within ${Math.round(WATCHDOG_MS / 1000)} s; cleaning up`);
  void cleanupAll().then(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();

// ── small helpers ─────────────────────────────────────────────────────────────────────

function run(file: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout + stderr)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A field in kB from /proc/<pid>/status (VmRSS) or /proc/<pid>/smaps_rollup (Pss); 0 if gone. */
function procKb(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

interface MemorySample {
  rssKb: number;
  pssKb: number;
  processes: number;
  /** govmail only: V8 heap in use plus memory held by JS objects outside it (buffers, TLS), after a full GC. */
  liveKb?: number;
}

function sampleMemory(pids: number[]): MemorySample {
  let rssKb = 0;
  let pssKb = 0;
  for (const pid of pids) {
    rssKb += procKb(pid, 'status', 'VmRSS');
    pssKb += procKb(pid, 'smaps_rollup', 'Pss');
  }
  return { rssKb, pssKb, processes: pids.length };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// ── the load ──────────────────────────────────────────────────────────────────────────

/** Command names as printed, in table order. */
const COMMANDS = [
  'SELECT INBOX',
  'FETCH 1:* (FLAGS)',
  'UID FETCH u BODY.PEEK[]',
  'UID STORE u +FLAGS',
  'UID STORE u -FLAGS',
  'APPEND',
  'UID STORE +FLAGS.SILENT \\Deleted',
  'EXPUNGE',
  'UID SEARCH ALL',
  'UID SEARCH UNSEEN',
  'UID SEARCH SUBJECT ascii',
] as const;
type CommandName = (typeof COMMANDS)[number];

type Operation = 'select' | 'fetchFlags' | 'fetchBody' | 'storeAdd' | 'storeRemove' | 'append' | 'expunge' | 'searchAll' | 'searchUnseen' | 'searchSubject';
/** Relative weights: reading dominates, as with real clients; APPEND and EXPUNGE balance. */
const WEIGHTS: [Operation, number][] = [
  ['select', 2],
  ['fetchFlags', 3],
  ['fetchBody', 8],
  ['storeAdd', 4],
  ['storeRemove', 4],
  ['append', 3],
  ['expunge', 3],
  ['searchAll', 2],
  ['searchUnseen', 2],
  ['searchSubject', 3],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((s, [, w]) => s + w, 0);

interface Anomaly {
  kind: string;
  command: string;
  response: string;
  count: number;
}

class Recorder {
  readonly latencies = new Map<CommandName, number[]>(COMMANDS.map((c) => [c, []]));
  readonly anomalies = new Map<string, Anomaly>();
  recording = false;

  record(name: CommandName, reply: ImapReply): void {
    if (this.recording) this.latencies.get(name)!.push(reply.ms);
  }

  /** Counted in warm-up too: a wrong answer is wrong whenever it comes. */
  anomaly(kind: string, command: string, response: string): void {
    const a = this.anomalies.get(kind);
    if (a) a.count++;
    else this.anomalies.set(kind, { kind, command, response: response.length > 600 ? `${response.slice(0, 600)}…` : response, count: 1 });
  }
}

function replyText(reply: ImapReply): string {
  const untagged = reply.untagged.length > 6 ? [...reply.untagged.slice(0, 6), `… (${reply.untagged.length} untagged in all)`] : reply.untagged;
  return [...untagged, `<tag> ${reply.status} ${reply.text}`].join('\n      ');
}

/** The seeded mailbox as the client knows it: UIDs in seeding order, sizes by index. */
interface SeededView {
  uids: number[];
  sizes: number[];
}

async function client(port: number, user: string, index: number, seeded: SeededView, rec: Recorder, phases: { warmupEnd: number; end: number }): Promise<number> {
  const wire = await ImapWire.connect({ port });
  const rnd = prng(1000 + index);
  const mine: number[] = [];
  let appendSeq = 0;
  let ops = 0;
  const exec = async (name: CommandName, text: string, literal?: Buffer): Promise<ImapReply> => {
    let reply: ImapReply;
    try {
      reply = await wire.command(text, literal);
    } catch (err) {
      rec.anomaly(`${name}: ${(err as Error).message}`, text, '(no response)');
      throw err;
    }
    rec.record(name, reply);
    if (rec.recording) ops++;
    // RFC 2180 §4.1.2 / RFC 5530: a sequence-number FETCH racing another client's EXPUNGE gets
    // its data and `NO [EXPUNGEISSUED]` (Dovecot answers the same): expected under this load.
    const expungeRace = reply.status === 'NO' && reply.text.startsWith('[EXPUNGEISSUED]');
    if (reply.status !== 'OK' && !expungeRace) rec.anomaly(`${name}: ${reply.status}`, text, replyText(reply));
    return reply;
  };
  try {
    await wire.ok(`LOGIN ${quote(user)} ${quote(SEED_PASSWORD)}`);
    await exec('SELECT INBOX', 'SELECT INBOX');
    while (performance.now() < phases.end) {
      if (!rec.recording && performance.now() >= phases.warmupEnd) rec.recording = true;
      let r = rnd() * TOTAL_WEIGHT;
      let op: Operation = 'select';
      for (const [o, w] of WEIGHTS) {
        if ((r -= w) < 0) {
          op = o;
          break;
        }
      }
      const k = Math.floor(rnd() * seeded.uids.length);
      const uid = seeded.uids[k]!;
      switch (op) {
        case 'select':
          await exec('SELECT INBOX', 'SELECT INBOX');
          break;
        case 'fetchFlags': {
          const existsBefore = wire.exists;
          const reply = await exec('FETCH 1:* (FLAGS)', 'FETCH 1:* (FLAGS)');
          if (reply.status !== 'OK') break;
          // RFC 3501 §7.4.1: no EXPUNGE while responding to FETCH (without UID); `1:*` covers
          // every message the client knows of once the responses before the first FETCH are in.
          let exists = existsBefore;
          let atFirstFetch = -1;
          let fetches = 0;
          const seqs = new Set<number>();
          for (const l of reply.untagged) {
            const m = /^\* (\d+) (EXISTS|EXPUNGE|FETCH)\b/i.exec(l);
            if (!m) continue;
            const verb = m[2]!.toUpperCase();
            if (verb === 'EXISTS') exists = Number(m[1]);
            else if (verb === 'EXPUNGE') {
              exists--;
              rec.anomaly('FETCH 1:* (FLAGS): EXPUNGE sent while responding to FETCH (RFC 3501 §7.4.1)', 'FETCH 1:* (FLAGS)', `${l} (among ${reply.untagged.length} untagged responses)`);
            } else {
              if (atFirstFetch < 0) atFirstFetch = exists;
              fetches++;
              seqs.add(Number(m[1]));
            }
          }
          // Repeats are fine (unsolicited FLAGS updates from other sessions' STOREs, §7.4.2).
          let missing = 0;
          for (let n = 1; n <= atFirstFetch; n++) if (!seqs.has(n)) missing++;
          const beyond = [...seqs].filter((n) => n > exists).length;
          if (atFirstFetch >= 0 && (missing > 0 || beyond > 0)) {
            rec.anomaly('FETCH 1:* (FLAGS): FETCH responses do not cover 1:EXISTS', 'FETCH 1:* (FLAGS)', `${fetches} FETCH responses; EXISTS ${atFirstFetch} when they began, ${exists} at the end; ${missing} sequence numbers missing, ${beyond} beyond EXISTS; ${replyText(reply)}`);
          }
          break;
        }
        case 'fetchBody': {
          const text = `UID FETCH ${uid} BODY.PEEK[]`;
          const reply = await exec('UID FETCH u BODY.PEEK[]', text);
          if (reply.status === 'OK' && (reply.literals.length !== 1 || reply.literals[0] !== seeded.sizes[k])) rec.anomaly('UID FETCH BODY.PEEK[]: body size differs from the seeded message', text, `literals ${JSON.stringify(reply.literals)}, expected [${seeded.sizes[k]}]\n      ${replyText(reply)}`);
          break;
        }
        case 'storeAdd':
        case 'storeRemove': {
          const sign = op === 'storeAdd' ? '+' : '-';
          const text = `UID STORE ${uid} ${sign}FLAGS (\\Seen \\Flagged)`;
          // No check of the FETCH that may follow: RFC 3501 §6.4.6 makes it a SHOULD, a server
          // may skip it when nothing changed, and with other clients storing on the same
          // messages it may already show their later changes.
          await exec(op === 'storeAdd' ? 'UID STORE u +FLAGS' : 'UID STORE u -FLAGS', text);
          break;
        }
        case 'append': {
          const msg = benchMessage(MESSAGES + index * 1_000_000 + appendSeq++, user).raw;
          const reply = await exec('APPEND', `APPEND INBOX (\\Seen) {${msg.length}+}`, msg);
          const m = /\[APPENDUID \d+ (\d+)\]/i.exec(reply.text);
          if (m) mine.push(Number(m[1]));
          else if (reply.status === 'OK') rec.anomaly('APPEND: no APPENDUID (RFC 4315)', 'APPEND INBOX (\\Seen) {n+}', replyText(reply));
          break;
        }
        case 'expunge': {
          if (mine.length === 0) break;
          await exec('UID STORE +FLAGS.SILENT \\Deleted', `UID STORE ${mine.splice(0).join(',')} +FLAGS.SILENT (\\Deleted)`);
          await exec('EXPUNGE', 'EXPUNGE');
          break;
        }
        case 'searchAll':
          await exec('UID SEARCH ALL', 'UID SEARCH ALL');
          break;
        case 'searchUnseen':
          await exec('UID SEARCH UNSEEN', 'UID SEARCH UNSEEN');
          break;
        case 'searchSubject': {
          const text = `UID SEARCH SUBJECT ${quote(subjectRef(k))}`;
          const reply = await exec('UID SEARCH SUBJECT ascii', text);
          const found = (reply.untagged.find((l) => /^\* SEARCH\b/i.test(l)) ?? '').split(' ').slice(2).map(Number);
          if (reply.status === 'OK' && !found.includes(uid)) rec.anomaly('UID SEARCH SUBJECT: the seeded message is not found', text, `expected UID ${uid}\n      ${replyText(reply)}`);
          break;
        }
      }
    }
    // Leave the mailbox as seeded (plus nothing): remove this client's pending appends.
    if (mine.length) {
      await wire.ok(`UID STORE ${mine.join(',')} +FLAGS.SILENT (\\Deleted)`);
      await wire.ok('EXPUNGE');
    }
  } finally {
    await wire.logout();
  }
  return ops;
}

interface LoadResult {
  ops: number;
  seconds: number;
  latencies: Map<CommandName, number[]>;
  anomalies: Anomaly[];
  tls: string;
  failedClients: string[];
}

async function runLoad(port: number): Promise<LoadResult> {
  // Each client learns the seeded UIDs (they are never expunged) in seeding order.
  const views = new Map<string, SeededView>();
  let tlsInfo = '';
  for (const user of loadUsers) {
    const wire = await ImapWire.connect({ port });
    tlsInfo = wire.tlsInfo;
    try {
      await wire.ok(`LOGIN ${quote(user)} ${quote(SEED_PASSWORD)}`);
      await wire.ok('SELECT INBOX');
      const reply = await wire.ok('UID SEARCH ALL');
      const uids = (reply.untagged.find((l) => /^\* SEARCH\b/i.test(l)) ?? '').split(' ').slice(2).map(Number).sort((a, b) => a - b);
      if (uids.length !== MESSAGES) throw new Error(`${user}: INBOX holds ${uids.length} messages, expected ${MESSAGES}`);
      // The bytes carry the recipient address, so sizes are per user.
      views.set(user, { uids, sizes: Array.from({ length: MESSAGES }, (_, i) => benchMessage(i, user).raw.length) });
    } finally {
      await wire.logout();
    }
  }

  const rec = new Recorder();
  const start = performance.now();
  const phases = { warmupEnd: start + WARMUP_SECONDS * 1000, end: start + (WARMUP_SECONDS + SECONDS) * 1000 };
  const failedClients: string[] = [];
  const results = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => {
      const user = loadUsers[Math.floor(i / CLIENTS_PER_USER)]!;
      return client(port, user, i, views.get(user)!, rec, phases).catch((err: unknown) => {
        failedClients.push(`client ${i}: ${err instanceof ImapError ? `${err.command} → ${err.message}` : (err as Error).message}`);
        return 0;
      });
    }),
  );
  // Operations that started before the end are counted, so the time runs until the last ended.
  const measured = Math.max(0.001, (performance.now() - phases.warmupEnd) / 1000);
  return { ops: results.reduce((a, b) => a + b, 0), seconds: measured, latencies: rec.latencies, anomalies: [...rec.anomalies.values()], tls: tlsInfo, failedClients };
}

// ── idle connections ──────────────────────────────────────────────────────────────────

interface IdleResult {
  requested: number;
  opened: number;
  failures: string[];
  before: MemorySample;
  after: MemorySample;
  openSeconds: number;
}

/** Seconds to wait before sampling memory, so that both servers are at rest (V8's memory reducer runs after a few quiet seconds). */
const SETTLE_MS = 8000;
/** Idle connections opened and closed before the baseline, so one-time costs (code compiled, pools, caches) are not counted per connection. */
const IDLE_WARMUP = 20;

async function runIdle(port: number, pids: () => number[], collectGarbage?: () => Promise<NodeJS.MemoryUsage>): Promise<IdleResult> {
  const settle = async () => {
    await sleep(SETTLE_MS);
    // Median of three samples, a second apart: RSS moves with the garbage collector.
    const samples: MemorySample[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await sleep(1000);
      const usage = await collectGarbage?.();
      samples.push({ ...sampleMemory(pids()), ...(usage ? { liveKb: (usage.heapUsed + usage.external) / 1024 } : {}) });
    }
    samples.sort((a, b) => a.rssKb - b.rssKb);
    return samples[1]!;
  };
  const failures: string[] = [];
  const warnings: string[] = [];
  const open = async (count: number, offset: number): Promise<ImapWire[]> => {
    const wires: ImapWire[] = [];
    cleanups.push(() => wires.forEach((w) => w.destroy()));
    await pool(
      Array.from({ length: count }, (_, i) => offset + i),
      IDLE_OPEN_CONCURRENCY,
      async (i) => {
        const user = idleUsers[Math.floor(i / IDLE_PER_USER) % idleUsers.length]!;
        const localAddress = `127.0.0.${2 + Math.floor(i / IDLE_PER_SOURCE_IP)}`;
        let wire: ImapWire | undefined;
        try {
          wire = await ImapWire.connect({ port, localAddress, timeoutMs: 60_000 });
          wires.push(wire);
          await wire.ok(`LOGIN ${quote(user)} ${quote(SEED_PASSWORD)}`);
          await wire.ok('SELECT INBOX');
          if (wire.exists !== IDLE_USER_MESSAGES) warnings.push(`connection ${i} (${user}): SELECT INBOX reported ${wire.exists} EXISTS, expected ${IDLE_USER_MESSAGES}`);
          await wire.idle();
        } catch (err) {
          wire?.destroy();
          failures.push(`connection ${i} (${user} from ${localAddress}): ${err instanceof ImapError ? `${err.command} → ${err.message}` : (err as Error).message}`);
        }
      },
    );
    return wires;
  };
  const drop = async (wires: ImapWire[]) => {
    // All at once, as clients that go away without LOGOUT; then give the server time.
    for (const w of wires) w.destroy();
    await sleep(1000);
  };

  await drop(await open(Math.min(IDLE_WARMUP, IDLE), 0));
  failures.length = 0;
  const before = await settle();
  const t0 = performance.now();
  const wires = await open(IDLE, 0);
  const openSeconds = (performance.now() - t0) / 1000;
  const opened = IDLE - failures.length;
  const after = await settle();
  await drop(wires);
  return { requested: IDLE, opened, failures: [...failures, ...warnings], before, after, openSeconds };
}

// ── the servers ───────────────────────────────────────────────────────────────────────

interface ServerFigures {
  name: string;
  version: string;
  seedSeconds: number;
  load: LoadResult;
  idle: IdleResult | null;
  /** Warnings and errors from the server's own log (Dovecot), to show it ran cleanly. */
  serverLog?: string[];
}

async function makeCertificate(): Promise<{ certFile: string; keyFile: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govmail-bench-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certFile]);
  return { certFile, keyFile };
}

async function benchGovmail(cert: { certFile: string; keyFile: string }): Promise<ServerFigures> {
  const dataDir = makeTempDir('govmail-bench-imap-');
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const overrides: ConfigInput = { tls: cert };

  // Seed with the server stopped, through the delivery path SMTP uses.
  const t0 = performance.now();
  const services = await createServices(loadConfig({ overrides: testConfigOverrides(dataDir, overrides), env: {} }));
  try {
    for (const [i, address] of [...loadUsers, ...idleUsers].entries()) await seedPerson(services, { address, displayName: `测试用户${i + 1}` });
    const deliver = (index: number, recipients: string[]) => {
      const { raw, envelopeFrom } = benchMessage(index, recipients.length === 1 ? recipients[0]! : IDLE_TO);
      return services.delivery.deliver({ envelopeFrom, recipients, raw, submittedBy: null, remoteIp: '127.0.0.1', protocol: 'smtp-mx' });
    };
    // One delivery per user and message (the bytes carry the recipient), in index order, so
    // that UIDs follow the seeding order.
    for (let i = 0; i < MESSAGES; i++) for (const user of loadUsers) await deliver(i, [user]);
    for (let i = 0; i < IDLE_USER_MESSAGES; i++) {
      for (let j = 0; j < idleUsers.length; j += 400) await deliver(MESSAGES + 500_000 + i, idleUsers.slice(j, j + 400));
    }
  } finally {
    await services.close();
  }
  const seedSeconds = (performance.now() - t0) / 1000;

  // One process for the load, a fresh one for the idle test: the load's garbage and caches
  // would otherwise be freed (or not) in the middle of the memory measurement.
  const withProcess = async <T>(work: (gm: GovmailProcess, port: number) => Promise<T>): Promise<T> => {
    const gm = await startGovmailProcess({ dataDir, overrides });
    cleanups.push(() => gm.kill('SIGKILL'));
    try {
      const port = gm.ports.imaps;
      if (!port) throw new Error('govmail reported no imaps port');
      return await work(gm, port);
    } finally {
      await gm.kill('SIGTERM');
    }
  };
  const load = await withProcess(async (gm, port) => {
    const result = await runLoad(port);
    const death = gm.exited();
    if (death) result.failedClients.push(death);
    return result;
  });
  const idle =
    IDLE > 0
      ? await withProcess(async (gm, port) => {
          const result = await runIdle(port, () => [gm.pid], () => gm.collectGarbage());
          const death = gm.exited();
          if (death) result.failures.push(death);
          return result;
        })
      : null;
  return { name: 'govmail', version: 'govmail (this tree)', seedSeconds, load, idle };
}

async function benchDovecot(cert: { certFile: string; keyFile: string }): Promise<ServerFigures> {
  const version = (await run('/usr/sbin/dovecot', ['--version']).catch(() => '?')).trim();
  const users = [...loadUsers, ...idleUsers].map((name) => ({ name, password: SEED_PASSWORD }));
  const peer = await startDovecot({ users, ...cert, maxConnections: IDLE + CLIENTS + 50, port: DOVECOT_PORT || undefined, mode: DOVECOT_MODE });
  cleanups.push(() => peer.stop());
  try {
    const t0 = performance.now();
    // The same bytes as govmail's deliveries, by APPEND (flags none, like a new delivery).
    for (const user of loadUsers) {
      const wire = await ImapWire.connect({ port: peer.port, timeoutMs: 60_000 });
      try {
        await wire.ok(`LOGIN ${quote(user)} ${quote(SEED_PASSWORD)}`);
        for (let i = 0; i < MESSAGES; i++) {
          const raw = benchMessage(i, user).raw;
          await wire.ok(`APPEND INBOX {${raw.length}+}`, raw);
        }
      } finally {
        await wire.logout();
      }
    }
    await pool(idleUsers, 8, async (user) => {
      const wire = await ImapWire.connect({ port: peer.port, timeoutMs: 60_000 });
      try {
        await wire.ok(`LOGIN ${quote(user)} ${quote(SEED_PASSWORD)}`);
        for (let i = 0; i < IDLE_USER_MESSAGES; i++) {
          const raw = benchMessage(MESSAGES + 500_000 + i, IDLE_TO).raw;
          await wire.ok(`APPEND INBOX {${raw.length}+}`, raw);
        }
      } finally {
        await wire.logout();
      }
    });
    const seedSeconds = (performance.now() - t0) / 1000;
    const load = await runLoad(peer.port);
    const idle = IDLE > 0 ? await runIdle(peer.port, () => peer.pids()) : null;
    const serverLog = peer.logProblems();
    return { name: 'dovecot', version: `Dovecot ${version}, ${DOVECOT_MODE === 'tuned' ? 'tuned (high-performance login, imap_hibernate_timeout 2s, imap idle_kill 5s)' : "Debian's default process model"}`, seedSeconds, load, idle, serverLog };
  } finally {
    await peer.stop();
  }
}

// ── report ────────────────────────────────────────────────────────────────────────────

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function report(results: ServerFigures[]): void {
  const two = results.length === 2;
  const [a, b] = results as [ServerFigures, ServerFigures | undefined];
  console.log('');
  for (const r of results) console.log(`${r.name}: ${r.version}; TLS ${r.load.tls}; seeding took ${fmt(r.seedSeconds)} s`);
  console.log('');

  // Mixed load.
  const head = ['command', ...results.flatMap((r) => [`${r.name} n`, 'p50 ms', 'p99 ms']), ...(two ? ['p50 ×', 'p99 ×'] : [])];
  const rows: string[][] = [];
  for (const c of COMMANDS) {
    const cells: string[] = [c];
    const stats = results.map((r) => {
      const sorted = [...r.load.latencies.get(c)!].sort((x, y) => x - y);
      return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    });
    for (const s of stats) cells.push(String(s.n), fmt(s.p50, 2), fmt(s.p99, 2));
    if (two) cells.push(fmt(stats[0]!.p50 / stats[1]!.p50, 2), fmt(stats[0]!.p99 / stats[1]!.p99, 2));
    rows.push(cells);
  }
  const all = results.map((r) => [...r.load.latencies.values()].flat().sort((x, y) => x - y));
  const totals: string[] = ['all commands'];
  for (const s of all) totals.push(String(s.length), fmt(percentile(s, 50), 2), fmt(percentile(s, 99), 2));
  if (two) totals.push(fmt(percentile(all[0]!, 50) / percentile(all[1]!, 50), 2), fmt(percentile(all[0]!, 99) / percentile(all[1]!, 99), 2));
  rows.push(totals);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`Mixed load: ${CLIENTS} clients, ${SECONDS} s measured after ${fmt(WARMUP_SECONDS)} s warm-up, INBOX of ${MESSAGES} messages (latency = command written → tagged reply)`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log('');
  const rate = (r: ServerFigures) => r.load.ops / r.load.seconds;
  console.log(`ops/s overall: ${results.map((r) => `${r.name} ${fmt(rate(r))}`).join(', ')}${two ? `;  govmail / dovecot ${fmt(rate(a) / rate(b!), 2)}×` : ''}`);

  // Idle.
  const idle = results.filter((r) => r.idle);
  if (idle.length) {
    console.log('');
    console.log(`Idle: ${IDLE} connections (LOGIN, SELECT INBOX of ${IDLE_USER_MESSAGES} messages, IDLE) over TLS, ${IDLE_PER_USER} per user, from ${Math.ceil(IDLE / IDLE_PER_SOURCE_IP)} loopback addresses`);
    if (idleNote) console.log(idleNote);
    const per = (r: ServerFigures, k: 'rssKb' | 'pssKb') => (r.idle!.after[k] - r.idle!.before[k]) / Math.max(1, r.idle!.opened);
    for (const r of idle) {
      const i = r.idle!;
      console.log(
        `  ${r.name.padEnd(8)} opened ${i.opened}/${i.requested} in ${fmt(i.openSeconds, 1)} s; processes ${i.before.processes} → ${i.after.processes}; ` +
          `RSS ${fmt(i.before.rssKb / 1024)} → ${fmt(i.after.rssKb / 1024)} MiB = ${fmt(per(r, 'rssKb'))} KiB/connection; ` +
          `PSS ${fmt(i.before.pssKb / 1024)} → ${fmt(i.after.pssKb / 1024)} MiB = ${fmt(per(r, 'pssKb'))} KiB/connection`,
      );
    }
    for (const r of idle) {
      const i = r.idle!;
      if (i.before.liveKb !== undefined && i.after.liveKb !== undefined) {
        console.log(`  ${r.name.padEnd(8)} live JS memory after full GC (heapUsed + external): ${fmt(i.before.liveKb / 1024)} → ${fmt(i.after.liveKb / 1024)} MiB = ${fmt((i.after.liveKb - i.before.liveKb) / Math.max(1, i.opened))} KiB/connection`);
      }
    }
    if (two && a.idle && b?.idle) console.log(`  govmail / dovecot KiB per idle connection: RSS ${fmt(per(a, 'rssKb') / per(b, 'rssKb'), 2)}×, PSS ${fmt(per(a, 'pssKb') / per(b, 'pssKb'), 2)}×`);
    console.log('  (RSS summed over processes counts shared pages once per process; PSS shares them out — the fairer figure for Dovecot\'s many processes)');
  }

  // Problems.
  let problems = 0;
  for (const r of results) {
    const list = [...r.load.anomalies];
    const failures = [...r.load.failedClients, ...(r.idle?.failures ?? [])];
    if (r.serverLog?.length) {
      console.log('');
      console.log(`${r.name}: ${r.serverLog.length} warning/error lines in its log, e.g.:`);
      for (const l of r.serverLog.slice(0, 3)) console.log(`  ${l}`);
    }
    if (list.length === 0 && failures.length === 0) continue;
    console.log('');
    console.log(`${r.name}: problems seen`);
    for (const x of list) {
      problems += x.count;
      console.log(`  ${x.count}× ${x.kind}\n    C: ${x.command}\n    S: ${x.response}`);
    }
    for (const f of failures.slice(0, 10)) console.log(`  ${f}`);
    if (failures.length > 10) console.log(`  … ${failures.length - 10} more`);
    problems += failures.length;
  }
  if (problems) process.exitCode = 1;
}

async function main(): Promise<void> {
  console.log(`imap-load: ${CLIENTS} clients × ${SECONDS} s on ${MESSAGES} messages; ${IDLE} idle connections; peer: ${PEER ? `${PEER} (${DOVECOT_MODE})` : 'none'}`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.platform()} ${os.release()}; ulimit -n ${FD_LIMIT}`);
  if (idleNote) console.log(idleNote);
  const cert = await makeCertificate();
  const results: ServerFigures[] = [];
  console.log('govmail: seeding and running …');
  results.push(await benchGovmail(cert));
  if (PEER === 'dovecot') {
    console.log('dovecot: seeding and running …');
    results.push(await benchDovecot(cert));
  }
  await cleanupAll();
  report(results);
}

main()
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    await cleanupAll();
    process.exitCode = 1;
  })
  .finally(() => clearTimeout(watchdog));
