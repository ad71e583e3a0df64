/**
 * govmail in its own process for benchmarks: test/helpers/govmail-child.ts (which it runs),
 * plus one thing a memory measurement needs. Started with `node --expose-gc`, it answers
 * SIGUSR2 with two full garbage collections and a line `GC-DONE {process.memoryUsage()}` on
 * stdout, so that the bench samples live memory, not garbage that V8 has not collected yet.
 *
 * Run: node --expose-gc --import tsx bench/govmail-bench-child.ts   (GOVMAIL_CHILD_CONFIG as for govmail-child.ts)
 */
const collect = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  if (collect) {
    collect();
    collect();
  }
  process.stdout.write(collect ? `GC-DONE ${JSON.stringify(process.memoryUsage())}\n` : 'GC-UNAVAILABLE\n');
});

await import('../test/helpers/govmail-child.js');
