import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from '../observability/logger';
import { PortInUse, portIsFree } from '../temporal/ports';

let installed = false;

/** The transfer queue's worker runs only activities, by design; the SDK warns about that at every start. */
export function isExpectedWorkerWarning(message: string): boolean {
  return message.startsWith('No workflows registered');
}

/**
 * Once per process, before the first worker: routes the SDK's logs into pino and serves
 * the worker's own metrics (task latencies, slots, polls) for Prometheus. Port 0 or unset:
 * no exporter. `metricsHost` 0.0.0.0 where Prometheus scrapes from another host (containers).
 */
export async function installWorkerRuntime(opts: { logger: Logger; metricsPort?: number; metricsHost?: string }): Promise<void> {
  if (installed) return;
  const metricsHost = opts.metricsHost ?? '127.0.0.1';
  // The exporter's own bind error is an opaque native one; say which setting to change.
  if (opts.metricsPort && !(await portIsFree(opts.metricsPort, metricsHost))) {
    throw new PortInUse(
      `WORKER_METRICS_PORT ${opts.metricsPort} is taken: another fareflow may be running. Stop it, or set WORKER_METRICS_PORT (0 turns the exporter off).`,
    );
  }
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      if (isExpectedWorkerWarning(entry.message)) return;
      const level = entry.level.toLowerCase() as 'warn' | 'error' | 'info' | 'debug' | 'trace';
      (opts.logger[level] ?? opts.logger.warn).call(opts.logger, entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(opts.metricsPort ? { metrics: { prometheus: { bindAddress: `${metricsHost}:${opts.metricsPort}` } } } : {}),
    },
  });
}
