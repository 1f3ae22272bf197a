/**
 * `npm run test:cluster`: the payment end-to-end and crash tests again, plus the scale-out and
 * TLS tests, on a Temporal server on PostgreSQL (the production persistence) instead of the
 * dev server. Same settings as the integration project otherwise.
 */
const base = require('./jest.config.js');

const integration = base.projects.find((project) => project.displayName === 'integration');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
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
