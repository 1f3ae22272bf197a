import { splitPayment } from '../../domain/money';
import type { Stack } from './harness';
import { reserveTicket } from './scenario';
import { waitFor } from './waitFor';

export async function inParallel<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

/** n reserved tickets on one route (codes created while MoniMe is up). */
export async function reserveMany(stack: Stack, n: number, opts: { commissionBps?: number; priceMinor?: number } = {}) {
  const first = await reserveTicket(stack, { commissionBps: opts.commissionBps ?? 250, priceMinor: opts.priceMinor ?? 10_000 });
  const codes: string[] = [first.paymentCodeId];
  await inParallel(Array.from({ length: n - 1 }), 16, async () => {
    const response = await stack.api('/api/tickets', {
      method: 'POST',
      body: JSON.stringify({ routeId: first.routeId, passengerName: 'Bulk', passengerPhone: '+23277000000' }),
    });
    codes.push(((await response.json()) as { paymentCode: { id: string } }).paymentCode.id);
  });
  const { net } = splitPayment(opts.priceMinor ?? 10_000, opts.commissionBps ?? 250);
  return { codes, net, companyAccount: first.financialAccountId };
}

export async function payAll(stack: Stack, codes: string[]): Promise<string[]> {
  const paymentIds: string[] = new Array(codes.length);
  await inParallel(codes, 16, async (code, i) => {
    const paid = await stack.simulator.pay(code);
    if (paid.status !== 200) throw new Error(`payment webhook answered ${paid.status}`);
    paymentIds[i] = paid.paymentId;
  });
  return paymentIds;
}

export async function allCompleted(stack: Stack, paymentIds: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM transactions WHERE id = ANY($1) AND status = 'completed'`, [
        paymentIds,
      ]);
      return rows[0].n === paymentIds.length ? true : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `${paymentIds.length} transactions completed` },
  );
}

/** One transfer per transaction in MoniMe's ledger, each of exactly `net`. */
export function ledgerTransfers(stack: Stack, paymentIds: string[]) {
  const perTransaction = paymentIds.map((id) => stack.simulator.ledger.transfersForTransaction(id));
  return {
    counts: perTransaction.map((transfers) => transfers.length),
    total: perTransaction.flat().reduce((sum, transfer) => sum + transfer.amount.value, 0),
    posts: paymentIds.reduce((sum, id) => sum + stack.simulator.ledger.postsByIdempotencyKey(`fareflow-transfer-${id}`), 0),
  };
}
