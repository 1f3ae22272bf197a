import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from '../observability/logger';

let installed = false;

/** The transfer queue's worker runs only activities, by design; the SDK warns about that at every start. */
export function isExpectedWorkerWarning(message: string): boolean {
  return message.startsWith('No workflows registered');
}

/**
 * Once per process, before the first worker: routes the SDK's logs into pino and serves
 * the worker's own metrics (task latencies, slots, polls) for Prometheus.
 */
export function installWorkerRuntime(opts: { logger: Logger; metricsPort?: number }): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      if (isExpectedWorkerWarning(entry.message)) return;
      const level = entry.level.toLowerCase() as 'warn' | 'error' | 'info' | 'debug' | 'trace';
      (opts.logger[level] ?? opts.logger.warn).call(opts.logger, entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(opts.metricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${opts.metricsPort}` } } } : {}),
    },
  });
}
