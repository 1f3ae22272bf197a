/**
 * `npm run test:cluster`: the payment end-to-end and crash tests again, plus the scale-out and
 * TLS tests, on a Temporal server on PostgreSQL (the production persistence) instead of the
 * dev server. Same settings as the integration project otherwise, but one file at a time:
 * each file starts several processes with their own connection pools beside a Temporal server
 * that keeps its own, and two such files together passed PostgreSQL's 100 connections
 * ("too many clients" in a CI run); one at a time the suite took 119 s, two took 213–239 s.
 */
const base = require('./jest.config.js');

const integration = base.projects.find((project) => project.displayName === 'integration');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  maxWorkers: 1,
  projects: [
    {
      ...integration,
      displayName: 'cluster',
      roots: ['<rootDir>/test'],
      testMatch: [
        '<rootDir>/test/integration/payment.e2e.test.ts',
        '<rootDir>/test/integration/transfers-crash.test.ts',
        '<rootDir>/test/integration/audit-crash.test.ts',
        '<rootDir>/test/cluster/**/*.test.ts',
      ],
      globalSetup: '<rootDir>/test/support/clusterGlobalSetup.ts',
      globalTeardown: '<rootDir>/test/support/clusterGlobalTeardown.ts',
    },
  ],
};
