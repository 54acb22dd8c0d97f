import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code and need no services. Integration, end-to-end
// and fault tests live in test/ and talk to real Kafka, Redis and ClickHouse
// (chdb); they run one file at a time in their own process because chdb is a
// process-wide engine and the broker is shared.
export default defineConfig({
  test: {
    // One file at a time: integration files share the broker, and each runs
    // in its own process because chdb is a process-wide engine.
    fileParallelism: false,
    reporters: ['default', './test/support/flaky-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          pool: 'threads',
          // Some unit tests read the real data sets; a loaded two-core machine needs the margin.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // A second try for tests against shared real servers on a loaded two-core
          // machine (a rebalance, a slow broker). A test that needed it is still
          // named at the end of the run (test/support/flaky-reporter.ts): a flake to fix, not to hide.
          retry: 1,
        },
      },
    ],
  },
});
