import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** The integration project's teardown; the run's closing line is printed by printClosingLine.ts. */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __fareflowTemporal?: TestWorkflowEnvironment };
  await state.__fareflowTemporal?.teardown();
  delete state.__fareflowTemporal;
}
