/**
 * A throw-away Dovecot (Debian's `dovecot-imapd`) for benchmarks: its own configuration file,
 * run, state and Maildir directories under one temporary directory, listening on 127.0.0.1
 * only, with implicit TLS (imaps, RFC 8314) on the given certificate and no plain listener.
 *
 * Two modes (see DovecotMode): Debian's defaults, or tuned for many connections.
 *
 * Users come from one passwd-file, as passdb (`{PLAIN}` passwords: the bench measures IMAP,
 * not hashing) and userdb. Each user has a uid of its own (70000 + n, group nogroup; no
 * /etc/passwd entry needed), as with Debian's default system users: with one shared uid, the
 * kernel's inotify limit per uid (fs.inotify.max_user_instances, 128 by default) would be hit
 * past 128 sessions, and Dovecot would fall back to polling for IDLE and could not hibernate.
 * Mail is stored under `<dir>/mail/<user>/Maildir`.
 *
 * Must run as root (Dovecot's master binds and drops privileges itself). `stop()` asks the
 * master to stop, waits for every process of the instance to exit, kills what is left, and
 * removes the directory.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface DovecotPeer {
  port: number;
  dir: string;
  masterPid: number;
  /** The master and every process below it. */
  pids(): number[];
  /** Warning, Error and Fatal lines of Dovecot's log so far. */
  logProblems(): string[];
  stop(): Promise<void>;
}

function run(file: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout + stderr)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
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
    if (Date.now() > deadline) throw new Error(`Dovecot: nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
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

/** Every process whose parent chain leads to `root` (read from /proc/<pid>/stat). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid … — comm may contain spaces and parentheses.
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(after[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const tree = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree].filter((p) => parent.has(p));
}

/** Uids for the bench users (no /etc/passwd entries: Dovecot only needs the numbers). */
const FIRST_UID = 70_000;

function uidOf(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error(`no "${name}" user in /etc/passwd (is dovecot-imapd installed?)`);
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * `default`: Debian's defaults (high-security login: one imap-login process per connection,
 * which stays as the TLS proxy, and one imap process per session).
 * `tuned`: what Dovecot's documentation suggests for many connections — high-performance login
 * (`service_count = 0`: a few imap-login processes, one per CPU, proxy every TLS session) and
 * IMAP hibernation (`imap_hibernate_timeout = 2s`: an IDLE session's imap process hands its
 * state to the shared imap-hibernate process; `idle_kill = 5s` ends the then idle imap process).
 */
export type DovecotMode = 'default' | 'tuned';

export async function startDovecot(options: {
  users: readonly { name: string; password: string }[];
  certFile: string;
  keyFile: string;
  maxConnections: number;
  port?: number;
  mode?: DovecotMode;
}): Promise<DovecotPeer> {
  const mode = options.mode ?? 'default';
  const binary = '/usr/sbin/dovecot';
  if (!existsSync(binary)) throw new Error('Dovecot is not installed: DEBIAN_FRONTEND=noninteractive apt-get install -y dovecot-imapd');
  if (process.getuid?.() !== 0) throw new Error('--peer dovecot must run as root (the Dovecot master drops privileges itself)');
  const authUser = uidOf('dovecot');
  uidOf('dovenull');
  const mailGroup = uidOf('nobody').gid;
  const port = options.port ?? (await freePort());

  const dir = mkdtempSync(path.join(os.tmpdir(), 'govmail-bench-dovecot-'));
  let masterPid = 0;
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const logTail = () => {
    const log = path.join(dir, 'dovecot.log');
    return existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '(no log file)';
  };
  try {
    chmodSync(dir, 0o755);
    const dirs = { run: path.join(dir, 'run'), state: path.join(dir, 'state'), mail: path.join(dir, 'mail') };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    // Every user creates its own home here (sticky, like /tmp).
    chmodSync(dirs.mail, 0o1777);
    const passwd = path.join(dir, 'passwd');
    // user:password:uid:gid:gecos:home:shell:extra (passwd-file format).
    writeFileSync(passwd, options.users.map((u, i) => `${u.name}:{PLAIN}${u.password}:${FIRST_UID + i}:${mailGroup}::${dirs.mail}/${u.name}::\n`).join(''), { mode: 0o600 });
    // The auth worker reads it as default_internal_user.
    chownSync(passwd, authUser.uid, authUser.gid);
    const dh = '/usr/share/dovecot/dh.pem';
    // Room for every bench connection: one imap-login and one imap process each (high-security mode).
    const processes = options.maxConnections + 200;
    const conf = path.join(dir, 'dovecot.conf');
    writeFileSync(
      conf,
      [
        `base_dir = ${dirs.run}`,
        `state_dir = ${dirs.state}`,
        `instance_name = govmail-bench-${process.pid}`,
        `log_path = ${path.join(dir, 'dovecot.log')}`,
        'protocols = imap',
        'listen = 127.0.0.1',
        'default_internal_user = dovecot',
        'default_login_user = dovenull',
        `default_process_limit = ${processes}`,
        `default_client_limit = ${processes * 2 + 1000}`,
        'ssl = required',
        `ssl_cert = <${options.certFile}`,
        `ssl_key = <${options.keyFile}`,
        ...(existsSync(dh) ? [`ssl_dh = <${dh}`] : []),
        'ssl_min_protocol = TLSv1.2',
        'auth_mechanisms = plain login',
        `mail_location = maildir:${dirs.mail}/%u/Maildir`,
        'mail_privileged_group =',
        'first_valid_uid = 1',
        `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${passwd}\n}`,
        `userdb {\n  driver = passwd-file\n  args = username_format=%u ${passwd}\n}`,
        // The bench opens many sessions per user from few addresses (default 10 per user+IP).
        'protocol imap {\n  mail_max_userip_connections = 1000\n}',
        `service imap-login {\n  inet_listener imap {\n    port = 0\n  }\n  inet_listener imaps {\n    address = 127.0.0.1\n    port = ${port}\n    ssl = yes\n  }\n${
          mode === 'tuned' ? `  service_count = 0\n  process_min_avail = ${os.cpus().length}\n  client_limit = ${processes * 2}\n  vsz_limit = 1G\n` : ''
        }}`,
        ...(mode === 'tuned'
          ? [
              'imap_hibernate_timeout = 2s',
              // imap (running as the mail user) hands sessions to imap-hibernate, which hands them back through imap-master.
              // An imap process whose session went into hibernation waits for a new session until
              // idle_kill (default 60 s): 5 s, so the measurement sees the steady state.
              `service imap {\n  extra_groups = dovecot\n  idle_kill = 5s\n  unix_listener imap-master {\n    user = dovecot\n  }\n}`,
              `service imap-hibernate {\n  client_limit = ${processes * 2}\n  unix_listener imap-hibernate {\n    mode = 0660\n    group = dovecot\n  }\n}`,
            ]
          : []),
        `service anvil {\n  client_limit = ${processes * 3 + 1000}\n}`,
        '',
      ].join('\n'),
    );
    // The master daemonises; its stdio goes nowhere, or the pipes would stay open with it.
    await new Promise<void>((resolve, reject) => {
      // Resolve on 'exit', not 'close': the daemon may hold the stderr pipe a little longer.
      const starter = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      starter.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
      starter.once('error', reject);
      starter.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot -c ${conf} exited with ${code}: ${stderr}\nlog:\n${logTail()}`))));
    });
    const pidFile = path.join(dirs.run, 'master.pid');
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    masterPid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || 0 : 0;
    if (!masterPid) throw new Error(`Dovecot did not write ${pidFile}; log:\n${logTail()}`);
    await waitForPort(port, 20_000);

    let stopped = false;
    return {
      port,
      dir,
      masterPid,
      pids: () => processTree(masterPid),
      logProblems: () => {
        const log = path.join(dir, 'dovecot.log');
        return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => /: (Warning|Error|Panic|Fatal): /.test(l)) : [];
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        const tree = processTree(masterPid);
        await run('/usr/bin/doveadm', ['-c', conf, 'stop']).catch(() => process.kill(masterPid, 'SIGTERM'));
        for (let i = 0; i < 100 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
        for (const pid of tree.filter(alive)) process.kill(pid, 'SIGKILL');
        removeDir();
      },
    };
  } catch (err) {
    if (masterPid && alive(masterPid)) {
      for (const pid of processTree(masterPid)) process.kill(pid, 'SIGKILL');
    }
    removeDir();
    throw err;
  }
}
