import { defineConfig } from 'vitest/config';

/**
 * Two tiers: `npm test` runs every test but the slow ones; `npm run test:slow` runs only the files
 * named `*.slow.test.ts` (long on purpose, or heavy on both cores). CI runs both.
 */
const slowTier = process.env.SWITCHYARD_TEST_TIER === 'slow';
const slow = '**/*.slow.test.ts';

export default defineConfig({
  test: {
    include: slowTier ? [`tests/${slow}`] : ['tests/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts'],
    exclude: slowTier ? ['**/node_modules/**'] : ['**/node_modules/**', slow],
    // Real ptys and native modules: each test file in its own process, not a worker thread.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A condition polled for (a browser's page, a process's output) may take seconds on two loaded
    // cores; a poll that names no timeout gets this, not vitest's one second.
    expect: { poll: { timeout: 15_000 } },
  },
});
