import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'common/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Test files start real servers on port 0 and each has its own data directory, so they can
    // run in parallel; two workers match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
    // Each worker keeps its module graph between files: importing the server afresh for each of
    // ~100 files cost ~500 s of the CI's CPU (a full run went from ~690 s to ~400 s). Test files
    // share no state but what they create (own data directory, own ports, own services).
    isolate: false,
  },
});
