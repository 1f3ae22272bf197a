import fs from 'node:fs';
import { WORKFLOW_BUNDLE_FILE } from './testServer';

/**
 * The whole run's globalTeardown (jest.config.js), after every project's own: deletes the
 * run's workflow bundle and prints closingLineReporter's line, last.
 */
export default async function runTeardown(): Promise<void> {
  fs.rmSync(WORKFLOW_BUNDLE_FILE, { force: true });
  const state = globalThis as { __fareflowClosingLine?: string };
  if (state.__fareflowClosingLine) process.stderr.write(`${state.__fareflowClosingLine}\n`);
  delete state.__fareflowClosingLine;
}
