import { Gauge, type Registry } from 'prom-client';
import type { OpenTransactions } from '../db/queries/openTransactions';

/** Both gauges of one scrape are served by one read. */
const READ_REUSE_MS = 1_000;
const STATUSES = ['processing', 'needs_attention'] as const;

/**
 * Transactions still open, read from the database at each scrape: the workers that move them
 * are other processes, and the "stuck" alert must also see a transaction whose workflow no
 * longer runs at all.
 */
export function addOpenTransactionGauges(
  registry: Registry,
  reuseMs = READ_REUSE_MS,
): { watch(read: () => Promise<OpenTransactions[]>): void } {
  let read: () => Promise<OpenTransactions[]> = async () => [];
  let last: { at: number; rows: Promise<OpenTransactions[] | null> } | null = null;
  const current = () => {
    if (!last || Date.now() - last.at > reuseMs) last = { at: Date.now(), rows: read().catch(() => null) };
    return last.rows;
  };
  async function fill(gauge: Gauge<'status' | 'reason'>, value: (row: OpenTransactions) => number): Promise<void> {
    const rows = await current();
    // A scrape must answer even when the database does not: the gauge then keeps its last values.
    if (!rows) return;
    gauge.reset();
    // "None open" reads 0 rather than no series, which an alert could not tell from no data.
    for (const status of STATUSES) if (!rows.some((row) => row.status === status)) gauge.set({ status, reason: '' }, 0);
    for (const row of rows) gauge.set({ status: row.status, reason: row.reason }, value(row));
  }
  new Gauge({
    name: 'fareflow_transactions_open',
    help: 'Transactions in processing or needs_attention, by status and attention reason (from the database)',
    labelNames: ['status', 'reason'] as const,
    registers: [registry],
    collect() {
      return fill(this, (row) => row.count);
    },
  });
  new Gauge({
    name: 'fareflow_transactions_open_oldest_seconds',
    help: 'Seconds since the oldest open transaction of this status and reason last changed (from the database)',
    labelNames: ['status', 'reason'] as const,
    registers: [registry],
    collect() {
      return fill(this, (row) => row.oldestSeconds);
    },
  });
  return {
    watch(reader) {
      read = reader;
      last = null;
    },
  };
}
