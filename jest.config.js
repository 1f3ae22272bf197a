/**
 * Three projects, each with only the set-up its tests need:
 * - unit: pure tests, no global setup — no Temporal, no PostgreSQL;
 * - workflow: workflows on stubbed activities against one local Temporal dev server;
 * - integration: the whole system on real Temporal + PostgreSQL (test/integration, replay, browser).
 * `--selectProjects unit workflow` (npm run test:unit) starts only what those need: Jest runs
 * a project's globalSetup only when one of its tests is selected.
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};

// SDK and app logs go to one file per test file (.data/test/logs/), printed only if it fails.
const withTestLogs = { setupFilesAfterEnv: ['<rootDir>/test/support/testLogSetup.ts'] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...shared,
      ...withTestLogs,
      displayName: 'workflow',
      roots: ['<rootDir>/test/workflow'],
      globalSetup: '<rootDir>/test/support/workflowGlobalSetup.ts',
      globalTeardown: '<rootDir>/test/support/workflowGlobalTeardown.ts',
    },
    {
      ...shared,
      ...withTestLogs,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/replay', '<rootDir>/test/browser'],
      globalSetup: '<rootDir>/test/support/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    },
  ],
  // Whole-run options (Jest reads them here, not per project).
  // Two test files at a time on two cores: the longest files mostly wait (a rate limit's
  // minute, a give-up time), and with one worker the run took 631 s against 388 s with two
  // (same machine, same commit, 2026-11-26; every test passed in both).
  maxWorkers: 2,
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/support/testLogReporter.js', '<rootDir>/test/support/closingLineReporter.js'],
  // Once, after every project's own teardown, whatever projects were selected: the closing line.
  globalTeardown: '<rootDir>/test/support/runTeardown.ts',
};
