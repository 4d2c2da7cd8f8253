import { defineConfig } from 'vitest/config';

// The integration suite runs twice from one set of files: once on embedded PGlite, once on PostgreSQL
// (a schema per file). Pure unit tests (*.unit.test.ts) run once.
const integration = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const unit = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];
// The admin console in Chromium: once, on PGlite (what it checks is the console, not the database).
const browser = ['test/**/*.browser.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      { extends: true, test: { name: 'browser', include: browser, env: { TEST_DB: 'pglite' } } },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: integration,
          exclude: [...unit, ...browser],
          env: { TEST_DB: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: integration,
          exclude: [...unit, ...browser],
          env: { TEST_DB: 'postgres' },
        },
      },
    ],
  },
});
