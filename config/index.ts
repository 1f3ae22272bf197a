import path from 'node:path';
import { z } from 'zod';
import { transferTaskQueueFor } from '../contract';
import { faultConfigSchema, type FaultConfig } from '../simulator/faults';
import { temporalAccessEnv, temporalAccessFrom, type TemporalAccess } from './temporalAccess';

/**
 * The one place that reads the environment. Everything else receives a `Config`.
 * Names and defaults of the contract's variables are fixed by docs/CONTRACT.md §1.
 */

export const DEV_WEBHOOK_SECRET = 'whsec_fareflow_dev_only';
export const DEV_API_TOKEN = 'fareflow-dev-api-token';
export const DEV_MONIME_ACCESS_TOKEN = 'mon_dev_access_token';
export const DEV_MONIME_SPACE_ID = 'spc-fareflow-dev';
/** The simulator's collection account: customers' payments land here. */
export const SIMULATOR_PLATFORM_ACCOUNT_ID = 'fac-platform-collection';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().min(1).optional());
const port = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));
const positiveInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));
const nonNegativeInt = (fallback: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(fallback));

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'production', 'test']).default('development')),
  PORT: port(3000),
  // An address to bind, not a URL: 0.0.0.0 (or ::) inside a container, loopback otherwise.
  HOST: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.:-]+$/, 'an address to listen on, e.g. 127.0.0.1 or 0.0.0.0')
      .default('127.0.0.1'),
  ),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  // Where a local PostgreSQL is looked for when DATABASE_URL is unset (contract §1: 127.0.0.1:5432).
  LOCAL_POSTGRES_ADDRESS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'host:port, e.g. 127.0.0.1:5432')
      .default('127.0.0.1:5432'),
  ),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.preprocess(emptyAsUndefined, z.string().min(1).default('default')),
  TEMPORAL_TASK_QUEUE: z.preprocess(emptyAsUndefined, z.string().min(1).default('fareflow')),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_CLI_PATH: optionalString,
  ...temporalAccessEnv,
  MONIME_BASE_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  MONIME_ACCESS_TOKEN: optionalString,
  MONIME_SPACE_ID: optionalString,
  MONIME_VERSION: z.preprocess(emptyAsUndefined, z.string().min(1).default('caph.2025-08-23')),
  MONIME_WEBHOOK_SECRET: optionalString,
  PLATFORM_FINANCIAL_ACCOUNT_ID: optionalString,
  API_TOKEN: optionalString,
  SIMULATOR_PORT: port(4010),
  SIMULATOR_FAULTS: optionalString,
  TRANSFER_RATE_PER_MINUTE: positiveInt(500),
  TRANSFER_POLL_AFTER_SECONDS: positiveInt(30),
  TRANSFER_ATTEMPT_TIMEOUT_SECONDS: positiveInt(20),
  MONIME_HTTP_TIMEOUT_MS: positiveInt(10_000),
  TRANSFER_GIVE_UP_AFTER_MINUTES: positiveInt(60),
  STALL_TIMEOUT_SECONDS: positiveInt(600),
  RESERVATION_GRACE_SECONDS: nonNegativeInt(120),
  RESERVATION_CODE_SECONDS: positiveInt(30 * 60),
  AUDIT_SHARDS: positiveInt(4),
  AUDIT_BATCH_SIZE: positiveInt(100),
  AUDIT_FLUSH_MS: positiveInt(2000),
  WEBHOOK_BODY_LIMIT_BYTES: positiveInt(256 * 1024),
  WEBHOOK_MAX_IN_FLIGHT: positiveInt(64),
  WEBHOOK_MAX_WAITING: nonNegativeInt(256),
  WEBHOOK_SLOT_WAIT_MS: nonNegativeInt(250),
  WEBHOOK_SLOT_WAIT_LIMIT_MS: nonNegativeInt(500),
  REDIS_URL: optionalString,
  REJECTED_REQUESTS_PER_MINUTE: positiveInt(120),
  TRUST_PROXY: z
    .preprocess(emptyAsUndefined, z.enum(['true', 'false', '1', '0']).default('false'))
    .transform((value) => value === 'true' || value === '1'),
  TEMPORAL_EAGER_START: z
    .preprocess(emptyAsUndefined, z.enum(['true', 'false', '1', '0']).default('true'))
    .transform((value) => value === 'true' || value === '1'),
  WORKER_METRICS_PORT: port(9464),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  DATA_DIR: optionalString,
});

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** The address the API listens on (contract §1 HOST). */
  host: string;
  /**
   * DATABASE_URL: exactly that database. Unset (contract §1): `postgres://postgres@<localPostgresAddress>/fareflow`
   * when a server answers there, else an embedded PostgreSQL under `dataDir` (stack/startDatabase.ts decides).
   */
  databaseUrl?: string;
  /** LOCAL_POSTGRES_ADDRESS, `host:port`: where a local PostgreSQL is looked for when DATABASE_URL is unset. */
  localPostgresAddress: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  apiToken: string;
  webhookBodyLimitBytes: number;
  /**
   * Per API process: Temporal calls in flight, webhooks waiting for one (only as many as can
   * expect one within slotWaitMs), and the longest an admitted waiter waits before its 503.
   */
  webhookCapacity: { maxInFlight: number; maxWaiting: number; slotWaitMs: number; slotWaitLimitMs: number };
  redisUrl?: string;
  /** Failed signature or token checks one address may make per minute before it gets 429. */
  rejectedRequestsPerMinute: number;
  /** Behind a load balancer: the caller's address is the last X-Forwarded-For entry, which the balancer appended. */
  trustProxy: boolean;
  temporal: {
    /** Unset: the embedded dev server is started on `devPort`/`uiPort`. */
    address?: string;
    namespace: string;
    taskQueue: string;
    transferTaskQueue: string;
    devPort: number;
    uiPort: number;
    cliPath?: string;
    workerMetricsPort: number;
    /**
     * Where the API and the workers share a process (`npm start`), the API starts transaction
     * workflows eagerly: over the workers' connection, with the first workflow task in the
     * start's answer instead of a trip through the task queue (TEMPORAL_EAGER_START).
     */
    eagerStart: boolean;
    /** TLS and API key for a cluster at `address` (config/temporalAccess.ts). */
    access: TemporalAccess;
  };
  monime: {
    /** Unset: the built-in simulator is started in-process on `simulatorPort`. */
    baseUrl?: string;
    simulatorPort: number;
    /** Faults the in-process simulator starts with (SIMULATOR_FAULTS, JSON); `PUT /_sim/faults` changes them later. */
    simulatorFaults?: Partial<FaultConfig>;
    accessToken: string;
    spaceId: string;
    version: string;
    httpTimeoutMs: number;
    webhookSecrets: string[];
    platformFinancialAccountId: string;
  };
  transfers: {
    ratePerMinute: number;
    pollAfterSeconds: number;
    giveUpAfterMinutes: number;
    /** startToCloseTimeout of one transfer call: a hanging MoniMe is abandoned and retried. */
    attemptTimeoutSeconds: number;
  };
  stallTimeoutSeconds: number;
  reservations: {
    /** How long a ticket's payment code lives at MoniMe (its `duration`). */
    codeSeconds: number;
    /** Contract §1: a reservation is released at the latest this long after its code expired, webhook or not. */
    graceSeconds: number;
  };
  audit: { shards: number; batchSize: number; flushMs: number };
  /** True where a value came from the dev defaults; printed at start so a developer can use them. */
  usesDevSecrets: { webhookSecret: boolean; apiToken: boolean };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function parseSimulatorFaults(text: string): Partial<FaultConfig> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('SIMULATOR_FAULTS: not JSON (e.g. {"errorRates":{"500":0.3},"scope":"transfers"})');
  }
  const parsed = faultConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`SIMULATOR_FAULTS: ${issue.path.join('.') || '(value)'}: ${issue.message}`);
  }
  return parsed.data as Partial<FaultConfig>;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  const webhookSecrets = (e.MONIME_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET)
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
  if (webhookSecrets.length === 0) throw new ConfigError('MONIME_WEBHOOK_SECRET: no secret in the list');
  const apiToken = e.API_TOKEN ?? DEV_API_TOKEN;
  if (e.WEBHOOK_SLOT_WAIT_LIMIT_MS < e.WEBHOOK_SLOT_WAIT_MS) {
    throw new ConfigError(
      `WEBHOOK_SLOT_WAIT_LIMIT_MS (${e.WEBHOOK_SLOT_WAIT_LIMIT_MS}) is below WEBHOOK_SLOT_WAIT_MS (${e.WEBHOOK_SLOT_WAIT_MS}): ` +
        'a waiter could be refused before the wait it was let in for',
    );
  }

  if (production) {
    if (webhookSecrets.includes(DEV_WEBHOOK_SECRET)) {
      throw new ConfigError('MONIME_WEBHOOK_SECRET: production refuses the dev webhook secret');
    }
    if (apiToken === DEV_API_TOKEN) throw new ConfigError('API_TOKEN: production refuses the dev API token');
  }
  const temporalAccess = temporalAccessFrom(e, e.TEMPORAL_ADDRESS);
  if ('problem' in temporalAccess) throw new ConfigError(temporalAccess.problem);
  if (e.MONIME_BASE_URL) {
    for (const name of ['MONIME_ACCESS_TOKEN', 'MONIME_SPACE_ID', 'PLATFORM_FINANCIAL_ACCOUNT_ID'] as const) {
      if (!e[name]) throw new ConfigError(`${name}: required when MONIME_BASE_URL is set`);
    }
  }

  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    localPostgresAddress: e.LOCAL_POSTGRES_ADDRESS,
    dataDir: path.resolve(cwd, e.DATA_DIR ?? '.data'),
    logLevel: e.LOG_LEVEL,
    apiToken,
    webhookBodyLimitBytes: e.WEBHOOK_BODY_LIMIT_BYTES,
    webhookCapacity: {
      maxInFlight: e.WEBHOOK_MAX_IN_FLIGHT,
      maxWaiting: e.WEBHOOK_MAX_WAITING,
      slotWaitMs: e.WEBHOOK_SLOT_WAIT_MS,
      slotWaitLimitMs: e.WEBHOOK_SLOT_WAIT_LIMIT_MS,
    },
    redisUrl: e.REDIS_URL,
    rejectedRequestsPerMinute: e.REJECTED_REQUESTS_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      transferTaskQueue: transferTaskQueueFor(e.TEMPORAL_TASK_QUEUE),
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
      workerMetricsPort: e.WORKER_METRICS_PORT,
      eagerStart: e.TEMPORAL_EAGER_START,
      access: temporalAccess,
    },
    monime: {
      baseUrl: e.MONIME_BASE_URL,
      simulatorPort: e.SIMULATOR_PORT,
      simulatorFaults: e.SIMULATOR_FAULTS === undefined ? undefined : parseSimulatorFaults(e.SIMULATOR_FAULTS),
      accessToken: e.MONIME_ACCESS_TOKEN ?? DEV_MONIME_ACCESS_TOKEN,
      spaceId: e.MONIME_SPACE_ID ?? DEV_MONIME_SPACE_ID,
      version: e.MONIME_VERSION,
      httpTimeoutMs: e.MONIME_HTTP_TIMEOUT_MS,
      webhookSecrets,
      platformFinancialAccountId: e.PLATFORM_FINANCIAL_ACCOUNT_ID ?? SIMULATOR_PLATFORM_ACCOUNT_ID,
    },
    transfers: {
      ratePerMinute: e.TRANSFER_RATE_PER_MINUTE,
      pollAfterSeconds: e.TRANSFER_POLL_AFTER_SECONDS,
      giveUpAfterMinutes: e.TRANSFER_GIVE_UP_AFTER_MINUTES,
      attemptTimeoutSeconds: e.TRANSFER_ATTEMPT_TIMEOUT_SECONDS,
    },
    stallTimeoutSeconds: e.STALL_TIMEOUT_SECONDS,
    reservations: { codeSeconds: e.RESERVATION_CODE_SECONDS, graceSeconds: e.RESERVATION_GRACE_SECONDS },
    audit: { shards: e.AUDIT_SHARDS, batchSize: e.AUDIT_BATCH_SIZE, flushMs: e.AUDIT_FLUSH_MS },
    usesDevSecrets: { webhookSecret: e.MONIME_WEBHOOK_SECRET === undefined, apiToken: e.API_TOKEN === undefined },
  };
}
