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
  },
});
