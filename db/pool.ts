import { Pool, types } from 'pg';

// bigint columns hold minor units; every amount we store fits in a JS safe integer.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export type Db = Pool;

export function createPool(databaseUrl: string, max = 10): Db {
  return new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
}
