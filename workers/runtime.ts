import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from '../observability/logger';

let installed = false;

/**
 * Once per process, before the first worker: routes the SDK's logs into pino and serves
 * the worker's own metrics (task latencies, slots, polls) for Prometheus.
 */
export function installWorkerRuntime(opts: { logger: Logger; metricsPort?: number }): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      const level = entry.level.toLowerCase() as 'warn' | 'error' | 'info' | 'debug' | 'trace';
      (opts.logger[level] ?? opts.logger.warn).call(opts.logger, entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(opts.metricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${opts.metricsPort}` } } } : {}),
    },
  });
}
