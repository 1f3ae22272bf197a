import { Pool, types } from 'pg';

// bigint columns hold minor units; every amount we store fits in a JS safe integer.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export type Db = Pool;

/**
 * Every database call runs inside an activity whose start-to-close timeout is 30 s (20 s for
 * a transfer attempt). A statement or a lock wait must give up well before that, so that the
 * activity fails and Temporal retries it, instead of the attempt timing out while its SQL
 * still runs and may commit after a retry already did (a late write).
 */
export const STATEMENT_TIMEOUT_MS = 10_000;
export const LOCK_TIMEOUT_MS = 5_000;
/** A checkout that finds every connection busy waits at most this long, then the activity retries. */
export const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * `onIdleClientError`: a connection PostgreSQL closes while it sits idle in the pool (a
 * restart, a failover, an administrator) costs nothing — the pool drops it and opens another
 * when needed — but pg reports it as an 'error' event, which would crash the process if no
 * one listened.
 */
export function createPool(databaseUrl: string, max = 10, onIdleClientError: (error: Error) => void = () => undefined): Db {
  const pool = new Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    lock_timeout: LOCK_TIMEOUT_MS,
  });
  pool.on('error', onIdleClientError);
  return pool;
}
