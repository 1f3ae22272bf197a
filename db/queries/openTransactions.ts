import type { Db } from '../pool';

/** Transactions not finished yet, by status and attention reason, with the age of the oldest. */
export interface OpenTransactions {
  status: 'processing' | 'needs_attention';
  /** '' for processing: a label value cannot be null. */
  reason: string;
  count: number;
  /** Seconds since the oldest of them last changed. */
  oldestSeconds: number;
}

/**
 * For the `fareflow_transactions_open` gauges, read at each scrape. Served by the
 * (status, company_id) index: only the open rows are visited, never the finished history.
 */
export async function readOpenTransactions(db: Db): Promise<OpenTransactions[]> {
  const { rows } = await db.query(
    `SELECT status, coalesce(attention_reason, '') AS reason, count(*)::int AS count,
            -- now() is this transaction's start, and a row committed after it but before the
            -- statement's snapshot is visible with a later updated_at: an age is never below 0.
            greatest(0, extract(epoch FROM now() - min(updated_at)))::float8 AS "oldestSeconds"
       FROM transactions
      WHERE status IN ('processing', 'needs_attention')
      GROUP BY status, attention_reason`,
  );
  return rows as OpenTransactions[];
}
