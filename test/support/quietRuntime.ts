import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { isExpectedWorkerWarning } from '../../workers/runtime';
import { beforeTestFileEnds, writeTestLog } from './testLogs';

/**
 * Worker state changes at INFO drown test output; warnings and errors go to the test file's
 * log (testLogs.ts), shown only when that file fails — a passing run expects activity
 * failures, whose warnings carry task tokens.
 */
export function quietTestRuntime(): void {
  try {
    const runtime = Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => {
        if (isExpectedWorkerWarning(entry.message)) return;
        const meta = entry.meta ? ` ${JSON.stringify(entry.meta)}` : '';
        const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
        writeTestLog(`${at} [temporal ${entry.level}] ${entry.message}${meta}`);
      }),
      // The SDK core's own warnings (e.g. "Activity not found on completion", with task tokens)
      // come through the same logger instead of straight to stderr.
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
    });
    // Forwarded logs are buffered for a moment: all of them in the file before it is reported.
    // Then the runtime goes: it shuts itself down when its last worker stops, but in a test
    // file that ran no worker it never would, and its log polling would keep Jest alive.
    beforeTestFileEnds(async () => {
      await runtime.flushLogs();
      await (runtime as unknown as { shutdownIfIdle(): Promise<void> }).shutdownIfIdle();
    });
  } catch {
    // Already installed in this module registry (a test file starting several stacks).
  }
}
