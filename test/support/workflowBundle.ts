import { bundleWorkflows } from '../../workers/bundle';
import { WORKFLOW_BUNDLE_FILE } from './testServer';

/**
 * The workflows bundled into WORKFLOW_BUNDLE_FILE once per run: the workflow and integration
 * projects' global setups run in the same process and share it.
 */
export function bundleWorkflowsOnce(): Promise<string> {
  const state = globalThis as { __fareflowWorkflowBundle?: Promise<string> };
  state.__fareflowWorkflowBundle ??= bundleWorkflows(WORKFLOW_BUNDLE_FILE).then(() => WORKFLOW_BUNDLE_FILE);
  return state.__fareflowWorkflowBundle;
}
