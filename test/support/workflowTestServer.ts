/** What the workflow project's globalSetup hands to its test files, through the environment. */
export const WORKFLOW_TEST_TEMPORAL_ADDRESS = 'FAREFLOW_WORKFLOW_TEST_TEMPORAL_ADDRESS';

export function workflowTestTemporalAddress(): string {
  const address = process.env[WORKFLOW_TEST_TEMPORAL_ADDRESS];
  if (!address) throw new Error('no Temporal server for workflow tests: run them through jest (the workflow project starts one)');
  return address;
}

export function workflowBundlePath(): string {
  const bundle = process.env.FAREFLOW_TEST_WORKFLOW_BUNDLE;
  if (!bundle) throw new Error('no workflow bundle: run the tests through jest (globalSetup bundles the workflows)');
  return bundle;
}
