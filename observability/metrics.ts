import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { addOpenTransactionGauges } from './openTransactionGauges';

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** One registry per API instance, so tests running several stacks never share counters. */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fareflow_' });
  // Registered in this order, so the exposition lists them as it always has.
  const watched = addWatchedGauges(registry);
  const openTransactions = addOpenTransactionGauges(registry);
  return {
    registry,
    /** Where the `fareflow_transactions_open*` gauges read their rows. */
    watchOpenTransactions: openTransactions.watch,
    ...watched,
    ...addRequestMetrics(registry),
  };
}

type TemporalSlotCounts = { inFlight(): number; waiting(): number };

/** Gauges read at each scrape from parts of the API that exist only later; each `watch…` hands one its source. */
function addWatchedGauges(registry: Registry) {
  /** Read at each scrape; set by the API once its rejection limiter exists. */
  let rejectedCallersTracked: () => number = () => 0;
  new Gauge({
    name: 'fareflow_rejected_callers_tracked',
    help: 'Caller addresses the in-memory rejection limiter holds a count for (bounded; 0 when REDIS_URL keeps the counts in Redis)',
    registers: [registry],
    collect() {
      this.set(rejectedCallersTracked());
    },
  });
  /** Read at each scrape, from the database: the worker that sets events aside may be another process. */
  let auditDeadLetters: () => Promise<Record<string, number>> = async () => ({});
  new Gauge({
    name: 'fareflow_audit_dead_letters',
    help: 'Audit events set aside in audit_dead_letters, by kind: refused (PostgreSQL would not store them) or malformed (no audit event at all)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      // A scrape must answer even when the database does not: the gauge then keeps its last value.
      const counts = await auditDeadLetters().catch(() => null);
      if (counts) for (const [kind, n] of Object.entries(counts)) this.set({ kind }, n);
    },
  });
  /** Read at each scrape; set by the API once its Temporal slots exist. */
  let temporalSlots: TemporalSlotCounts = { inFlight: () => 0, waiting: () => 0 };
  new Gauge({
    name: 'fareflow_temporal_calls_in_flight',
    help: 'Webhook Temporal calls (starts and signals) in flight in this API process (at most WEBHOOK_MAX_IN_FLIGHT)',
    registers: [registry],
    collect() {
      this.set(temporalSlots.inFlight());
    },
  });
  new Gauge({
    name: 'fareflow_temporal_calls_waiting',
    help: 'Webhooks waiting for a Temporal slot (at most WEBHOOK_MAX_WAITING, each for at most WEBHOOK_SLOT_WAIT_LIMIT_MS)',
    registers: [registry],
    collect() {
      this.set(temporalSlots.waiting());
    },
  });
  return {
    /** Where the `fareflow_temporal_calls_*` gauges read their values. */
    watchTemporalSlots(slots: TemporalSlotCounts): void {
      temporalSlots = slots;
    },
    /** Where `fareflow_audit_dead_letters` reads its counts. */
    watchAuditDeadLetters(count: () => Promise<Record<string, number>>): void {
      auditDeadLetters = count;
    },
    /** Where `fareflow_rejected_callers_tracked` reads its value. */
    watchRejectedCallers(size: () => number): void {
      rejectedCallersTracked = size;
    },
  };
}

/** Counters and histograms the API's webhook and HTTP paths update as requests pass. */
function addRequestMetrics(registry: Registry) {
  return {
    webhooksShed: new Counter({
      name: 'fareflow_webhooks_shed_total',
      help: 'Webhooks refused at once with 503 and Retry-After because the receiver was at capacity (nothing recorded)',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'fareflow_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    webhookOutcomes: new Counter({
      name: 'fareflow_webhook_requests_total',
      help: 'MoniMe webhooks by outcome (accepted, duplicate, ignored, rejected, unavailable, shed) and HTTP status',
      labelNames: ['outcome', 'status', 'event'] as const,
      registers: [registry],
    }),
    webhookAckSeconds: new Histogram({
      name: 'fareflow_webhook_ack_seconds',
      help: 'Time from receiving a webhook to answering it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    workflowStarts: new Counter({
      name: 'fareflow_workflow_starts_total',
      help: 'Transaction workflows started, by whether Temporal handed the first workflow task straight to this process (eager start)',
      labelNames: ['eager'] as const,
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
