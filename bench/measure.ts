import type { Ledger } from '../simulator';
import { cpuMsPerPayment, type CpuTimes } from './cpuByProgram';
import { historyFigures, type HistoryFigures } from './history';
import type { SentPayment } from './sender';
import { percentiles, round1, type Percentiles } from './stats';
import type { BenchTarget } from './target';

export interface StepFigures {
  step: string;
  kind: 'rate' | 'burst';
  /** Rate steps: the rate asked for. */
  offeredPerSecond: number | null;
  offered: number;
  firstDelivery: { ok: number; refused503: number; other: number };
  deliveriesPerPayment: number;
  /** First delivery's answer, from its intended send time. */
  ackMs: Percentiles;
  /** The same, for first deliveries answered 503 (shed): how fast a refusal comes back. */
  shedAnswerMs: Percentiles;
  /** From the first delivery's intended time to the ticket's issued_at, the transfer at MoniMe, the transaction completed. */
  ticketIssuedMs: Percentiles;
  transferCompletedMs: Percentiles;
  settledMs: Percentiles;
  acked: number;
  /** Never acknowledged within the redelivery budget. */
  unacked: number;
  settled: number;
  settledPerSecond: number | null;
  /** From the step's start until its last payment completed; null when some never did (within the wait). */
  allSettledMs: number | null;
  /** Most payments acknowledged but not yet transferred, sampled each second. */
  maxTransferBacklog: number;
  history: HistoryFigures;
  /**
   * Acknowledged, yet no transfer in MoniMe's ledger while fareflow has no transaction for it or
   * calls it completed: the acknowledgement promised what never happens.
   */
  lost: number;
  /** Acknowledged and still in progress (not completed) when the step's wait ended: slow, not lost. */
  unfinished: number;
  /** More than one transfer in MoniMe's ledger for one payment. */
  doubled: number;
  /**
   * Machine-wide CPU ms per settled payment, per program, from the first send until the last
   * settled (bench/cpuByProgram.ts); null without /proc. Everything else on the machine counts
   * in `other` — and in the others, if it is a Node process or a PostgreSQL of its own.
   */
  cpuMsPerPayment: CpuTimes | null;
}

/** Per payment: its transfers in the ledger, and when the first completed. */
export function ledgerByPayment(ledger: Ledger, ids: Set<string>): Map<string, { count: number; completedAt: number | null }> {
  const found = new Map<string, { count: number; completedAt: number | null }>();
  for (const transfer of ledger.all()) {
    const id = transfer.metadata.transactionId;
    if (!ids.has(id)) continue;
    const entry = found.get(id) ?? { count: 0, completedAt: null };
    entry.count++;
    if (transfer.status === 'completed')
      entry.completedAt = Math.min(entry.completedAt ?? Infinity, transfer.settledAt ?? transfer.createdAt);
    found.set(id, entry);
  }
  return found;
}

export async function countCompleted(target: BenchTarget, ids: string[]): Promise<number> {
  const { rows } = await target.db.query(`SELECT count(*)::int AS n FROM transactions WHERE status = 'completed' AND id = ANY($1)`, [ids]);
  return rows[0].n;
}

/** Waits (polling, half a second apart unless told) until every acknowledged payment completed, or the deadline. */
export async function waitUntilSettled(
  target: BenchTarget,
  ids: string[],
  deadline: number,
  onCount: (n: number) => void,
  intervalMs = 500,
): Promise<void> {
  for (;;) {
    const n = await countCompleted(target, ids);
    onCount(n);
    if (n >= ids.length || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Per transaction: when its ticket was issued and, once completed, when it completed (ms since epoch). */
export async function databaseTimes(target: BenchTarget, ids: string[]) {
  const { rows } = await target.db.query<{ id: string; issued: string | null; completed: string | null }>(
    `SELECT t.id, extract(epoch FROM k.issued_at) * 1000 AS issued,
            CASE WHEN t.status = 'completed' THEN extract(epoch FROM t.completed_at) * 1000 END AS completed
       FROM transactions t LEFT JOIN tickets k ON k.id = t.ticket_id
      WHERE t.id = ANY($1)`,
    [ids],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      { issued: row.issued === null ? null : Number(row.issued), completed: row.completed === null ? null : Number(row.completed) },
    ]),
  );
}

/** The step's figures, read from what the sender saw, the database and MoniMe's ledger. */
export async function stepFigures(opts: {
  target: BenchTarget;
  step: { name: string; kind: 'rate' | 'burst'; ratePerSecond: number | null; startedAt: number };
  sent: SentPayment[];
  maxTransferBacklog: number;
  historySamples: number;
  /** /proc readings taken when the step began sending and when it had settled. */
  cpu?: { before: CpuTimes | null; after: CpuTimes | null };
}): Promise<StepFigures> {
  const { target, sent } = opts;
  const acked = sent.filter((payment) => payment.ackedAt !== null);
  const ids = acked.map((payment) => payment.paymentId);
  const times = await databaseTimes(target, ids);
  const ledger = ledgerByPayment(target.simulator.ledger, new Set(sent.map((payment) => payment.paymentId)));
  const since = (at: number | null | undefined, payment: SentPayment) => (at == null ? [] : [at - payment.intendedAt]);
  const completedAts = acked.map((payment) => times.get(payment.paymentId)?.completed).filter((at): at is number => at != null);
  const lastCompleted = completedAts.length ? Math.max(...completedAts) : null;
  const allSettled = completedAts.length === acked.length && lastCompleted !== null;
  const settledIds = acked.filter((payment) => times.get(payment.paymentId)?.completed != null).map((payment) => payment.paymentId);
  return {
    step: opts.step.name,
    kind: opts.step.kind,
    offeredPerSecond: opts.step.ratePerSecond,
    offered: sent.length,
    firstDelivery: {
      ok: sent.filter((payment) => payment.firstStatus >= 200 && payment.firstStatus < 300).length,
      refused503: sent.filter((payment) => payment.firstStatus === 503).length,
      other: sent.filter((payment) => payment.firstStatus !== 503 && (payment.firstStatus < 200 || payment.firstStatus >= 300)).length,
    },
    deliveriesPerPayment: Math.round((sent.reduce((sum, payment) => sum + payment.deliveries, 0) / Math.max(1, sent.length)) * 100) / 100,
    ackMs: percentiles(sent.map((payment) => payment.firstAckMs)),
    shedAnswerMs: percentiles(sent.filter((payment) => payment.firstStatus === 503).map((payment) => payment.firstAckMs)),
    ticketIssuedMs: percentiles(acked.flatMap((payment) => since(times.get(payment.paymentId)?.issued, payment))),
    transferCompletedMs: percentiles(acked.flatMap((payment) => since(ledger.get(payment.paymentId)?.completedAt, payment))),
    settledMs: percentiles(acked.flatMap((payment) => since(times.get(payment.paymentId)?.completed, payment))),
    acked: acked.length,
    unacked: sent.length - acked.length,
    settled: completedAts.length,
    settledPerSecond: lastCompleted ? round1(completedAts.length / Math.max(0.001, (lastCompleted - opts.step.startedAt) / 1000)) : null,
    allSettledMs: allSettled ? Math.round(lastCompleted - opts.step.startedAt) : null,
    maxTransferBacklog: opts.maxTransferBacklog,
    history: await historyFigures(target.client, settledIds.slice(0, opts.historySamples)),
    lost: acked.filter((payment) => {
      const transaction = times.get(payment.paymentId);
      return !ledger.get(payment.paymentId)?.count && (!transaction || transaction.completed !== null);
    }).length,
    unfinished: acked.length - completedAts.length,
    doubled: [...ledger.values()].filter((entry) => entry.count > 1).length,
    cpuMsPerPayment: cpuMsPerPayment(opts.cpu?.before ?? null, opts.cpu?.after ?? null, completedAts.length),
  };
}
