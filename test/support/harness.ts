import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Client as PgClient, type Pool } from 'pg';
import { DEV_MONIME_ACCESS_TOKEN, DEV_MONIME_SPACE_ID, DEV_WEBHOOK_SECRET, SIMULATOR_PLATFORM_ACCOUNT_ID, loadConfig } from '../../config';
import { stallSweepScheduleId } from '../../contract';
import { createLogger } from '../../observability/logger';
import type { FaultConfig, RunningSimulator } from '../../simulator';
import { assembleFareflow, type Fareflow } from '../../stack/assemble';
import { quietTestRuntime } from './quietRuntime';
import { reserveTicket, type Reservation } from './scenario';
import { testLogStream } from './testLogs';
import { testTemporalAddress } from './testServer';
import { waitFor } from './waitFor';

export interface Stack {
  config: Fareflow['config'];
  /** The environment this stack runs on, for subprocesses (ops CLI, a worker to kill). */
  env: Record<string, string>;
  apiUrl: string;
  /** fetch against the API with the bearer token and JSON content type. */
  api(path: string, init?: RequestInit): Promise<Response>;
  simulator: RunningSimulator;
  client: Client;
  db: Pool;
  fareflow: Fareflow;
  /** A company, a route and a reserved ticket with its payment code, through the HTTP API. */
  createCompanyRouteAndTicket(opts?: { commissionBps?: number; priceMinor?: number; currency?: string }): Promise<Reservation>;
  waitFor: typeof waitFor;
  stopWorkers(): Promise<void>;
  startWorkers(): Promise<void>;
  stop(): Promise<void>;
}

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function dropDatabase(name: string): Promise<void> {
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * A whole fareflow for one test file: its own database, task queue, simulator, workers and
 * API on random ports, on the run's shared Temporal dev server. Nothing is mocked.
 */
export async function startStack(
  opts: {
    env?: Record<string, string>;
    faults?: Partial<FaultConfig>;
    startWorkers?: boolean;
    temporalAddress?: string;
    /** How the completing status write hands over its audit trail (activities/index.ts); its default unless given. */
    auditTrailHandOver?: 'insert' | 'batcher';
    /**
     * Replaces TRANSFER_GIVE_UP_AFTER_MINUTES once loaded: the variable is a whole number of
     * minutes (the contract), a test may give up after a fraction of one (0.25: 15 s). The API
     * hands it to every run in its settings (api/webhooks/context.ts) and the transfer activity
     * compares seconds against it (activities/transfers.ts), so a fraction works throughout.
     * This process's API and workers only: a subprocess started on `stack.env` reads the variable.
     */
    transferGiveUpAfterMinutes?: number;
  } = {},
): Promise<Stack> {
  quietTestRuntime();
  const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
  const databaseName = `fareflow_test_${suffix}`;
  // MONIME_BASE_URL: the simulator's, once the stack has started it.
  let env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${databaseName}`,
    TEMPORAL_ADDRESS: opts.temporalAddress ?? testTemporalAddress(),
    TEMPORAL_TASK_QUEUE: `test-${suffix}`,
    MONIME_ACCESS_TOKEN: DEV_MONIME_ACCESS_TOKEN,
    MONIME_SPACE_ID: DEV_MONIME_SPACE_ID,
    PLATFORM_FINANCIAL_ACCOUNT_ID: SIMULATOR_PLATFORM_ACCOUNT_ID,
    MONIME_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
    LOG_LEVEL: 'error',
    ...opts.env,
  };
  const loaded = loadConfig(env);
  const config =
    opts.transferGiveUpAfterMinutes === undefined
      ? loaded
      : { ...loaded, transfers: { ...loaded.transfers, giveUpAfterMinutes: opts.transferGiveUpAfterMinutes } };
  const fareflow = await assembleFareflow({
    config,
    migrate: true,
    monime: { simulator: { port: 0, faults: opts.faults } },
    // Into the test file's log (testLogs.ts), printed only if the file fails.
    logger: createLogger(config.logLevel, 'fareflow-test', testLogStream()),
    workflowBundle: { codePath: process.env.FAREFLOW_TEST_WORKFLOW_BUNDLE! },
    workers: opts.startWorkers !== false,
    auditTrailHandOver: opts.auditTrailHandOver,
  });
  const simulator = fareflow.simulator!;
  env = { ...env, MONIME_BASE_URL: simulator.url };
  const apiUrl = fareflow.api!.url;

  const stack: Stack = {
    config: fareflow.config,
    env: { ...env, PORT: String(fareflow.api!.port) },
    apiUrl,
    api: (path, init = {}) =>
      fetch(`${apiUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${config.apiToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
      }),
    simulator,
    client: fareflow.client,
    db: fareflow.db,
    fareflow,
    createCompanyRouteAndTicket: (ticket = {}) =>
      reserveTicket(stack, {
        commissionBps: ticket.commissionBps ?? 500,
        priceMinor: ticket.priceMinor ?? 15_000,
        currency: ticket.currency,
      }),
    waitFor,
    stopWorkers: () => fareflow.stopWorkers(),
    startWorkers: () => fareflow.startWorkers(),
    async stop() {
      // The stall sweeper's Schedule outlives the workers in Temporal; the run's dev server is shared.
      await fareflow.client.schedule
        .getHandle(stallSweepScheduleId(config.temporal.taskQueue))
        .delete()
        .catch(() => undefined);
      await fareflow.stop();
      await dropDatabase(databaseName);
    },
  };
  return stack;
}
