import type { QueryConfig } from 'pg';

const names = new Set<string>();

/**
 * A statement each connection prepares once, by name, and then only binds and executes:
 * PostgreSQL parses and plans it on its first use on a connection instead of on every call.
 * Parsing and planning were most of PostgreSQL's CPU for a payment's statements
 * (applyPayment: 0.56 → 0.25 ms of PostgreSQL CPU per call, README "Benchmarks").
 *
 * Only for statements that run per payment. What they return is named column by column,
 * never a table's `*`: a prepared `SELECT *` fails with "cached plan must not change result
 * type" once a migration adds a column while the process runs (a rolling deploy).
 */
export function preparedStatement<Values extends unknown[]>(name: string, text: string): (values: Values) => QueryConfig {
  // One name, one text: pg would send the first text for a later, different one.
  if (names.has(name)) throw new Error(`prepared statement ${name} is defined twice`);
  names.add(name);
  return (values) => ({ name, text, values });
}
