import type { TestWorkflowEnvironment } from '@temporalio/testing';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __fareflowTemporal?: TestWorkflowEnvironment; __fareflowClosingLine?: string };
  await state.__fareflowTemporal?.teardown();
  // Set by closingLineReporter.js: the run's last line.
  if (state.__fareflowClosingLine) process.stderr.write(`${state.__fareflowClosingLine}\n`);
}
