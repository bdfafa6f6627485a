import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts'],
    // Real ptys and native modules: each test file in its own process, not a worker thread.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
