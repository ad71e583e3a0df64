/**
 * Starts govmail-bench-child.ts (govmail plus a GC trigger) in its own process on a data
 * directory and resolves once it prints `READY {ports}` — like startGovmailChild in
 * test/helpers/start-govmail.ts, with `--expose-gc` and `collectGarbage()`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigInput } from '../server/config/schema.js';
import type { RunningGovmail } from '../server/main.js';
import { testConfigOverrides, type ChildRequest } from '../test/helpers/start-govmail.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface GovmailProcess {
  pid: number;
  ports: RunningGovmail['ports'];
  /** Null while running, else how it ended. */
  exited(): string | null;
  /** Two full garbage collections in the server process (SIGUSR2 → `GC-DONE`); its memoryUsage() after them. */
  collectGarbage(timeoutMs?: number): Promise<NodeJS.MemoryUsage>;
  /** Sends the signal and waits until the process has exited (SIGKILL after 10 s). */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startGovmailProcess(options: { dataDir: string; overrides?: ConfigInput; timeoutMs?: number }): Promise<GovmailProcess> {
  const request: ChildRequest = { overrides: testConfigOverrides(options.dataDir, options.overrides), people: [] };
  // GOVMAIL_BENCH_NODE_ARGS: extra node options for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
  // (which NODE_OPTIONS refuses) to see where a benchmark's time goes.
  const extra = (process.env.GOVMAIL_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--expose-gc', '--import', 'tsx', path.join(HERE, 'govmail-bench-child.ts')], {
    cwd: path.resolve(HERE, '..'),
    env: { ...process.env, GOVMAIL_CHILD_CONFIG: JSON.stringify(request) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let status: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = `govmail exited (code ${code}, signal ${signal})`;
      resolve();
    });
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  let out = '';
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (;;) {
      const nl = out.indexOf('\n');
      if (nl < 0) break;
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const i = waiters.findIndex((w) => w.match.test(line));
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(line);
    }
  });
  const waitFor = (match: RegExp, timeoutMs: number, what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`govmail: ${what} did not come within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${status ?? 'govmail exited'} while waiting for ${what}; stderr:\n${stderr}`));
      });
      waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  let ports: RunningGovmail['ports'];
  try {
    const ready = await waitFor(/^READY /, options.timeoutMs ?? 120_000, 'READY');
    ports = JSON.parse(ready.slice('READY '.length)) as RunningGovmail['ports'];
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const kill = async (signal: NodeJS.Signals) => {
    if (status) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid!,
    ports,
    exited: () => status,
    async collectGarbage(timeoutMs = 30_000) {
      const done = waitFor(/^GC-(DONE|UNAVAILABLE)\b/, timeoutMs, 'GC-DONE');
      child.kill('SIGUSR2');
      const line = await done;
      if (!line.startsWith('GC-DONE ')) throw new Error('govmail: gc() is not exposed (--expose-gc)');
      return JSON.parse(line.slice('GC-DONE '.length)) as NodeJS.MemoryUsage;
    },
    kill,
  };
}
