import { DefaultLogger, Runtime } from '@temporalio/worker';
import { isExpectedWorkerWarning } from '../../workers/runtime';

/** Worker state changes at INFO drown test output; warnings and errors still show. */
export function quietTestRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => {
        if (isExpectedWorkerWarning(entry.message)) return;
        const meta = entry.meta ? ` ${JSON.stringify(entry.meta)}` : '';
        process.stderr.write(`[temporal ${entry.level}] ${entry.message}${meta}\n`);
      }),
    });
  } catch {
    // Already installed in this process (several test files in one jest worker).
  }
}
