import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // One PostgreSQL server (DATABASE_URL, or an embedded one) and a migrated template
    // database for the whole run; each test file clones its own database from it.
    globalSetup: ['test/support/global-setup.ts'],
    // Browser tests on a loaded 2-core machine (CI beside other work) can take several times
    // their quiet duration: a test that hangs still fails, only later.
    testTimeout: 45_000,
    hookTimeout: 120_000,
    // Test files run in parallel, one database each.
    fileParallelism: true,
  },
});
