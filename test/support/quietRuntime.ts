import { DefaultLogger, Runtime } from '@temporalio/worker';

/** Worker state changes at INFO drown test output; warnings and errors still show. */
export function quietTestRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process (several test files in one jest worker).
  }
}
