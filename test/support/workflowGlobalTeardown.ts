import type { TestWorkflowEnvironment } from '@temporalio/testing';

export default async function workflowGlobalTeardown(): Promise<void> {
  const state = globalThis as { __fareflowWorkflowTemporal?: TestWorkflowEnvironment };
  await state.__fareflowWorkflowTemporal?.teardown();
  delete state.__fareflowWorkflowTemporal;
}
