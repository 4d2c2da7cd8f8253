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
    hookTimeout: 120_000,
    pool: 'forks',
    // Files mostly wait on PostgreSQL, brokers and timers, so two run at once even on a 2-core machine,
    // where Vitest's default (cores − 1) would run one at a time. VITEST_MAX_WORKERS overrides.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 2),
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // A worker keeps the modules it imported from one file to the next: each file importing the whole
    // application again cost 1.4 s of its import time (353 s of a run's workers, 22 s without).
    // Files share no state but through their databases; what must start afresh in each file does so
    // in a setup file, which runs again before every file.
    isolate: false,
    setupFiles: ['test/helpers/file-failures.setup.ts'],
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
          // every module's migrations run once, each file's database starts from the result
          globalSetup: ['test/helpers/pglite-snapshot.setup.ts'],
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
