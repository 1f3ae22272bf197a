/** The open-transaction gauges: one read per scrape, zeros when none are open, last values kept when the database fails. */
import { Registry } from 'prom-client';
import type { OpenTransactions } from '../../db/queries/openTransactions';
import { addOpenTransactionGauges } from '../../observability/openTransactionGauges';

/** `reuseMs` -1: every scrape reads afresh. */
function gauges(reuseMs?: number) {
  const registry = new Registry();
  const { watch } = addOpenTransactionGauges(registry, reuseMs);
  return { watch, scrape: () => registry.metrics() };
}

const parked: OpenTransactions = { status: 'needs_attention', reason: 'transfer_failed', count: 2, oldestSeconds: 90 };

it('reports each status and reason, and 0 for a status with none open', async () => {
  const { watch, scrape } = gauges();
  const read = jest.fn(async () => [parked]);
  watch(read);
  const text = await scrape();
  expect(text).toContain('fareflow_transactions_open{status="needs_attention",reason="transfer_failed"} 2');
  expect(text).toContain('fareflow_transactions_open{status="processing",reason=""} 0');
  expect(text).toContain('fareflow_transactions_open_oldest_seconds{status="needs_attention",reason="transfer_failed"} 90');
  expect(read).toHaveBeenCalledTimes(1);
});

it('drops a reason no longer open, and keeps the last values while the database does not answer', async () => {
  const { watch, scrape } = gauges(-1);
  let rows: OpenTransactions[] | Error = [parked];
  watch(async () => {
    if (rows instanceof Error) throw rows;
    return rows;
  });
  await scrape();
  rows = new Error('connection refused');
  expect(await scrape()).toContain('reason="transfer_failed"} 2');
  rows = [];
  const text = await scrape();
  expect(text).not.toContain('transfer_failed');
  expect(text).toContain('fareflow_transactions_open{status="needs_attention",reason=""} 0');
});
