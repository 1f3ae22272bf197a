/** What globalSetup hands to every test file (through the environment, the only channel jest offers). */
import path from 'node:path';

export const TEST_DATA_DIR = path.join(__dirname, '..', '..', '.data', 'test');
/**
 * One per run (the Jest process that runs the global setups): engineers sharing a working tree
 * run suites at the same time, and one run must not read a bundle another is rewriting.
 * The run's teardown (runTeardown.ts) deletes it.
 */
export const WORKFLOW_BUNDLE_FILE = path.join(TEST_DATA_DIR, `workflow-bundle-${process.pid}.js`);

export function testTemporalAddress(): string {
  const address = process.env.FAREFLOW_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('no test Temporal server: run tests through jest (globalSetup starts one)');
  return address;
}

export function testCliPath(): string {
  const cli = process.env.FAREFLOW_TEST_TEMPORAL_CLI;
  if (!cli) throw new Error('no Temporal CLI path: run tests through jest (globalSetup finds or builds it)');
  return cli;
}

export function testTemporalUiUrl(): string {
  const url = process.env.FAREFLOW_TEST_TEMPORAL_UI;
  if (!url) throw new Error('no test Temporal Web UI: run tests through jest (globalSetup starts one)');
  return url;
}
