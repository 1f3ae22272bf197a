import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** One registry per API instance, so tests running several stacks never share counters. */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fareflow_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'fareflow_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    webhookOutcomes: new Counter({
      name: 'fareflow_webhook_requests_total',
      help: 'MoniMe webhooks by outcome (accepted, duplicate, ignored, rejected, unavailable) and HTTP status',
      labelNames: ['outcome', 'status', 'event'] as const,
      registers: [registry],
    }),
    webhookAckSeconds: new Histogram({
      name: 'fareflow_webhook_ack_seconds',
      help: 'Time from receiving a webhook to answering it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    temporalStartSeconds: new Histogram({
      name: 'fareflow_temporal_start_seconds',
      help: 'Time Temporal took to durably record a workflow start or signal',
      labelNames: ['operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
