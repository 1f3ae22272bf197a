import { Pool, types } from 'pg';

// bigint columns hold minor units; every amount we store fits in a JS safe integer.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export type Db = Pool;

/**
 * `onIdleClientError`: a connection PostgreSQL closes while it sits idle in the pool (a
 * restart, a failover, an administrator) costs nothing — the pool drops it and opens another
 * when needed — but pg reports it as an 'error' event, which would crash the process if no
 * one listened.
 */
export function createPool(databaseUrl: string, max = 10, onIdleClientError: (error: Error) => void = () => undefined): Db {
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  pool.on('error', onIdleClientError);
  return pool;
}
