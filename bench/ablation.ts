import type { WorkerTuning } from '../workers/createWorkers';
import type { Topology } from './settings';

/** How a stack differs from the default one: configuration variables, and the embedded dev server's SQLite pragmas. */
export interface StackVariant {
  /** Read by config/ in this process and in every API and worker process. */
  env: Record<string, string>;
  /** Embedded topology only: undefined keeps the dev server's default pragmas. */
  sqlitePragmas?: readonly string[];
  /** Embedded topology only: undefined keeps the dev server's default dynamic config. */
  devServerDynamicConfig?: Readonly<Record<string, string>>;
  /** Embedded topology only: undefined keeps activities/index.ts's default. */
  auditTrailHandOver?: 'insert' | 'batcher';
  /** Embedded topology only: undefined keeps the workers' defaults. */
  workerTuning?: WorkerTuning;
  /**
   * `lifted` (undefined too): TRANSFER_RATE_PER_MINUTE far above any step's rate, so transfers
   * are not what is measured; `configured`: left at config/'s default (the sustained run).
   */
  transferLimit?: 'lifted' | 'configured';
}

/**
 * A lever: something fareflow does for throughput that can be switched off. Each is measured
 * on and off in the same run (the ablation table). Adding one is adding an entry here.
 */
export interface Lever {
  name: string;
  /** What "on" is, and what "off" changes. */
  what: string;
  off: StackVariant;
  /** Where switching it off means something. */
  topologies: Topology[];
}

export const LEVERS: Lever[] = [
  {
    name: 'sqlite-pragmas',
    what: "dev server's SQLite in WAL with synchronous=NORMAL; off: SQLite's defaults (rollback journal, a sync on every commit)",
    off: { env: {}, sqlitePragmas: [] },
    topologies: ['embedded'],
  },
  {
    name: 'workflow-cache',
    what: "workers keep 2,000 workflows in their sticky cache (a cached workflow's next task needs no replay); off: no cache",
    off: { env: {}, workerTuning: { maxCachedWorkflows: 0 } },
    topologies: ['embedded'],
  },
  {
    name: 'workflow-task-slots',
    what: "120 workflow-task slots and 60 pollers (the SDK's documented best in its own load test); off: the SDK's defaults, 40 and 10",
    off: { env: {}, workerTuning: { workflowTaskSlots: 40, workflowTaskPollers: 10 } },
    topologies: ['embedded'],
  },
  {
    name: 'webhook-limiter',
    what: 'at most 64 Temporal calls in flight per API process, 256 waiting 250 ms, else 503 + Retry-After; off: 100,000 in flight',
    off: { env: { WEBHOOK_MAX_IN_FLIGHT: '100000', WEBHOOK_MAX_WAITING: '0' } },
    topologies: ['embedded', 'cluster'],
  },
  {
    name: 'eager-start',
    what: "the API starts transaction workflows eagerly on the in-process workers' connection (TEMPORAL_EAGER_START); off: through the task queue",
    off: { env: { TEMPORAL_EAGER_START: 'false' } },
    topologies: ['embedded'],
  },
  {
    name: 'audit-trail-insert',
    what: "a payment's last status write inserts its audit trail itself; off: it signals the trail to the shard's audit batcher",
    off: { env: {}, auditTrailHandOver: 'batcher' },
    topologies: ['embedded'],
  },
  {
    name: 'audit-batching',
    what: 'audit events inserted 100 per batch (AUDIT_BATCH_SIZE); off: one insert per event',
    off: { env: { AUDIT_BATCH_SIZE: '1' } },
    topologies: ['embedded', 'cluster'],
  },
  {
    name: 'slot-wait-limit',
    what: 'a webhook let wait for a Temporal slot keeps its place up to 500 ms (WEBHOOK_SLOT_WAIT_LIMIT_MS); off: refused once its expected 250 ms are up',
    off: { env: { WEBHOOK_SLOT_WAIT_LIMIT_MS: '250' } },
    topologies: ['embedded', 'cluster'],
  },
];

/** What every bench stack runs with: quiet logs. */
export const BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
};

/** MoniMe's transfer limit lifted (the simulator has none): every stack but the sustained run's. */
export const LIFTED_TRANSFER_LIMIT: Record<string, string> = {
  TRANSFER_RATE_PER_MINUTE: '600000',
};

export function leversFor(topology: Topology, names?: string[]): Lever[] {
  const unknown = (names ?? []).filter((name) => !LEVERS.some((lever) => lever.name === name));
  if (unknown.length) throw new Error(`unknown lever ${unknown.join(', ')}: one of ${LEVERS.map((lever) => lever.name).join(', ')}`);
  return LEVERS.filter((lever) => lever.topologies.includes(topology) && (!names || names.includes(lever.name)));
}
