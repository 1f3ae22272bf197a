/**
 * `--sustained <rate>x<seconds>`: issue 12's last target, one long constant-rate step on a stack
 * of its own with MoniMe's transfer limit where config/ puts it (TRANSFER_RATE_PER_MINUTE, 500
 * by default), not lifted as for every other step. Target: every ticket issued within 2 s of its
 * webhook, no transaction ever in needs_attention, the transfer backlog drained afterwards (and
 * nothing lost or doubled). Measured here, never asserted in a test.
 */
import { loadConfig } from '../config';
import type { StackVariant } from './ablation';
import { countCompleted, databaseTimes, ledgerByPayment, stepFigures, waitUntilSettled, type StepFigures } from './measure';
import { createCatalog, paidEnvelopes } from './prepare';
import { readCpuByProgram } from './cpuByProgram';
import type { ProgressLine } from './progress';
import { sendOpenLoop, type SenderCounters, type SentPayment } from './sender';
import { stepName, stepPayments, type RateStep } from './settings';
import { round1 } from './stats';
import type { BenchTarget } from './target';
import { benchEnv } from './topology';

/**
 * The sustained run's stack: the default one, with the transfer limit left at its configured
 * value. Its payment codes live three hours instead of 30 minutes: the step's tickets are all
 * reserved before it starts, within a few minutes, so at the default lifetime their 24,000
 * reservation deadlines would fire together in the middle of the drain, a burst no real peak
 * has (there each deadline comes 32 minutes after its own reservation, spread like the
 * payments). With three hours they fall after the run; the step measures the payments.
 */
export const SUSTAINED_VARIANT: StackVariant = { env: { RESERVATION_CODE_SECONDS: '10800' }, transferLimit: 'configured' };

/** Issue 12: every ticket issued within this of its webhook. */
export const TICKET_WITHIN_MS = 2_000;

/** MoniMe stops redelivering at some point; the bench after 15 minutes (as bench/steps.ts). */
const GIVE_UP_REDELIVERING_AFTER_MS = 15 * 60_000;

/** What the sustained stack is configured with, as its parts read it. */
export interface SustainedLimits {
  transferRatePerMinute: number;
  stallTimeoutSeconds: number;
  auditFlushMs: number;
  /** A reservation's payment code lifetime plus its grace: a webhook later than this finds the ticket released. */
  reservationSeconds: number;
}

export function sustainedLimits(variant: StackVariant = SUSTAINED_VARIANT): SustainedLimits {
  const config = loadConfig(benchEnv(variant));
  return {
    transferRatePerMinute: config.transfers.ratePerMinute,
    stallTimeoutSeconds: config.stallTimeoutSeconds,
    auditFlushMs: config.audit.flushMs,
    reservationSeconds: config.reservations.codeSeconds + config.reservations.graceSeconds,
  };
}

/**
 * How long to wait for the backlog after the last webhook: the unsettled payments at the
 * configured transfer rate, half as long again, plus two minutes.
 */
export const drainBudgetMs = (unsettled: number, ratePerMinute: number) => Math.round(120_000 + 1.5 * (unsettled / ratePerMinute) * 60_000);

export interface SustainedFigures {
  /** The usual figures of a rate step (max transfer backlog exact, from the ack and ledger times). */
  figures: StepFigures;
  limits: SustainedLimits;
  /** Webhook (its scheduled time) → ticket issued: percentiles in `figures.ticketIssuedMs`; here the misses, over every payment offered. */
  ticketIssued: { overLimit: number; notIssued: number; limitMs: number };
  /** Transactions of the step that were ever needs_attention (audit trail), or are at the end; per reason. */
  needsAttention: { ever: number; atEnd: number; byReason: Record<string, number> };
  /** Acknowledged payments whose transfer had not completed at MoniMe: the most at once, when (s from the step's start), and left at the end. */
  backlog: { max: number; atSeconds: number | null; leftAtEnd: number };
  /** The most transfers completed (and created) at MoniMe in any 60 s, and when that window began (s from the step's start). */
  busiestMinute: {
    completed: number;
    completedFromSeconds: number | null;
    created: number;
    createdFromSeconds: number | null;
    limitPerMinute: number;
  };
  /** When the last webhook was acknowledged, s from the step's start. */
  lastAckAtSeconds: number | null;
  /** From the last acknowledged webhook until every acknowledged payment's transfer completed; null: not within the wait. */
  drainedAfterMs: number | null;
  /** How long the bench was prepared to wait after the last webhook (drainBudgetMs of the backlog then). */
  drainBudgetMs: number;
  verdict: { ticketsWithinLimit: boolean; noNeedsAttention: boolean; drained: boolean; noneLostOrDoubled: boolean; pass: boolean };
}

/** The most `times` (ms) within any `windowMs`, and where that window starts. */
export function busiestWindow(times: number[], windowMs: number): { count: number; from: number | null } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, from: null as number | null };
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    if (end - start + 1 > best.count) best = { count: end - start + 1, from: sorted[start] };
  }
  return best;
}

/** Payments acknowledged and not yet transferred, over time: the most at once and when, and what is left. */
export function backlogPeak(payments: Array<{ ackedAt: number; transferredAt: number | null }>): {
  max: number;
  at: number | null;
  left: number;
} {
  const events = payments.flatMap((payment) => [
    { at: payment.ackedAt, delta: 1 },
    ...(payment.transferredAt === null ? [] : [{ at: Math.max(payment.ackedAt, payment.transferredAt), delta: -1 }]),
  ]);
  // At one instant, transfers leave before acknowledgements arrive: a payment in and out at once was never waiting.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let backlog = 0;
  let peak = { max: 0, at: null as number | null };
  for (const event of events) {
    backlog += event.delta;
    if (backlog > peak.max) peak = { max: backlog, at: event.at };
  }
  return { ...peak, left: backlog };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (at: number | null, since: number) => (at === null ? null : round1((at - since) / 1000));

/** Transactions of `ids` that were ever needs_attention (their audit trail) or are at the end, per reason. */
async function needsAttention(target: BenchTarget, ids: Set<string>): Promise<SustainedFigures['needsAttention']> {
  // The stack is the run's own: reading every row and keeping the run's is cheaper than 24,000 ids in a query.
  const audited = await target.db.query<{ id: string; reason: string | null }>(
    `SELECT entity_id AS id, after->>'reason' AS reason FROM audit_logs WHERE entity_type = 'transaction' AND action = 'needs_attention'`,
  );
  const current = await target.db.query<{ id: string; reason: string | null }>(
    `SELECT id, attention_reason AS reason FROM transactions WHERE status = 'needs_attention'`,
  );
  const reasons = new Map<string, Set<string>>();
  for (const row of [...audited.rows, ...current.rows]) {
    if (!ids.has(row.id)) continue;
    reasons.set(row.id, (reasons.get(row.id) ?? new Set()).add(row.reason ?? 'unknown'));
  }
  const byReason: Record<string, number> = {};
  for (const set of reasons.values()) for (const reason of set) byReason[reason] = (byReason[reason] ?? 0) + 1;
  return { ever: reasons.size, atEnd: current.rows.filter((row) => ids.has(row.id)).length, byReason };
}

/**
 * The sustained step on a fresh target: reserve and pay its tickets (not measured), send the
 * webhooks open loop at the step's rate, wait for the transfer backlog to drain at the
 * configured rate (a deadline from the backlog left when the last webhook was acknowledged),
 * then measure against the target.
 */
export async function runSustained(opts: {
  target: BenchTarget;
  step: RateStep;
  limits: SustainedLimits;
  progress: ProgressLine;
  historySamples: number;
  say: (line: string) => void;
}): Promise<SustainedFigures> {
  const { target, step, limits, progress } = opts;
  const name = `sustained ${stepName(step)}`;
  const count = stepPayments(step);
  if (step.durationSeconds > limits.reservationSeconds - 300) {
    opts.say(
      `  ! ${step.durationSeconds} s is near or past a reservation's lifetime (${limits.reservationSeconds} s): ` +
        'tickets reserved before the step may be released before their webhook is sent',
    );
  }
  const catalog = await createCatalog(target);
  let reserved = 0;
  progress.start(() => `${name}: reserving and paying tickets ${reserved}/${count}`);
  const envelopes = await paidEnvelopes(target, catalog, count, (done) => (reserved = done));
  const ids = new Set(envelopes.map((envelope) => envelope.paymentId));

  const counters: SenderCounters = { sent: 0, acked: 0, refused: 0 };
  const live = { transferred: 0, issued: 0, settled: 0, attention: 0, deadline: null as number | null };
  const ledgerSampler = setInterval(() => {
    let transferred = 0;
    for (const entry of ledgerByPayment(target.simulator.ledger, ids).values()) if (entry.completedAt !== null) transferred++;
    live.transferred = transferred;
  }, 1000);
  // The stack is the run's own, so its tables hold only this step's rows: counted whole, every 5 s.
  let sampling = false;
  const databaseSampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void target.db
      .query<{ issued: number; settled: number; attention: number }>(
        `SELECT (SELECT count(*) FROM tickets WHERE status = 'issued')::int AS issued,
                count(*) FILTER (WHERE status = 'completed')::int AS settled,
                count(*) FILTER (WHERE status = 'needs_attention')::int AS attention
           FROM transactions`,
      )
      .then(({ rows }) => Object.assign(live, rows[0]))
      .catch(() => undefined)
      .finally(() => (sampling = false));
  }, 5000);
  progress.start(() => {
    const left = live.deadline === null ? '' : `, waiting ≤ ${Math.max(0, Math.round((live.deadline - Date.now()) / 60_000))} min more`;
    return (
      `${name}: sent ${counters.sent}/${count}, acked ${counters.acked}, 503s ${counters.refused}, ` +
      `tickets issued ${live.issued}, transferred ${live.transferred}, backlog ${counters.acked - live.transferred}, ` +
      `needs_attention ${live.attention}, settled ${live.settled}${left}`
    );
  });
  try {
    const startedAt = Date.now();
    const cpuBefore = readCpuByProgram();
    const sent = await sendOpenLoop(envelopes, (i) => (i * 1000) / step.ratePerSecond, {
      apiUrls: target.apiUrls,
      secret: target.webhookSecret,
      giveUpAfterMs: GIVE_UP_REDELIVERING_AFTER_MS,
      counters,
    });
    const acked = sent.filter((payment): payment is SentPayment & { ackedAt: number } => payment.ackedAt !== null);
    const ackedIds = acked.map((payment) => payment.paymentId);
    const budgetMs = drainBudgetMs(acked.length - (await countCompleted(target, ackedIds)), limits.transferRatePerMinute);
    live.deadline = Date.now() + budgetMs;
    await waitUntilSettled(target, ackedIds, live.deadline, (n) => (live.settled = n), 5000);
    const cpu = { before: cpuBefore, after: readCpuByProgram() };
    clearInterval(ledgerSampler);
    clearInterval(databaseSampler);

    progress.start(() => `${name}: measuring (histories of ${opts.historySamples} workflows, the audit trail)`);
    const ledger = ledgerByPayment(target.simulator.ledger, ids);
    const backlog = backlogPeak(
      acked.map((payment) => ({ ackedAt: payment.ackedAt, transferredAt: ledger.get(payment.paymentId)?.completedAt ?? null })),
    );
    const figures = await stepFigures({
      target,
      step: { name, kind: 'rate', ratePerSecond: step.ratePerSecond, startedAt },
      sent,
      maxTransferBacklog: backlog.max,
      historySamples: opts.historySamples,
      cpu,
    });

    const times = await databaseTimes(
      target,
      sent.map((payment) => payment.paymentId),
    );
    const issuedAfter = sent.flatMap((payment) => {
      const issued = times.get(payment.paymentId)?.issued;
      return issued == null ? [] : [issued - payment.intendedAt];
    });
    const ticketIssued = {
      overLimit: issuedAfter.filter((ms) => ms > TICKET_WITHIN_MS).length,
      notIssued: sent.length - issuedAfter.length,
      limitMs: TICKET_WITHIN_MS,
    };

    // Audit events reach the table in batches, up to a flush interval after the transaction moved.
    await sleep(limits.auditFlushMs + 2000);
    const attention = await needsAttention(target, ids);

    const transfers = target.simulator.ledger.all().filter((transfer) => ids.has(transfer.metadata.transactionId));
    const completed = busiestWindow(
      transfers.filter((transfer) => transfer.status === 'completed').map((transfer) => transfer.settledAt ?? transfer.createdAt),
      60_000,
    );
    const created = busiestWindow(
      transfers.map((transfer) => transfer.createdAt),
      60_000,
    );

    const lastAck = acked.length ? acked.reduce((latest, payment) => Math.max(latest, payment.ackedAt), 0) : null;
    const transferredAts = acked.map((payment) => ledger.get(payment.paymentId)?.completedAt ?? null);
    const allTransferred = transferredAts.every((at) => at !== null);
    const lastTransfer = transferredAts.reduce<number>((latest, at) => Math.max(latest, at ?? 0), 0);
    const drainedAfterMs = lastAck === null || !allTransferred ? null : Math.max(0, lastTransfer - lastAck);

    const verdict = {
      ticketsWithinLimit: ticketIssued.overLimit === 0 && ticketIssued.notIssued === 0,
      noNeedsAttention: attention.ever === 0,
      drained: drainedAfterMs !== null && figures.unfinished === 0,
      noneLostOrDoubled: figures.lost === 0 && figures.doubled === 0,
    };
    return {
      figures,
      limits,
      ticketIssued,
      needsAttention: attention,
      backlog: { max: backlog.max, atSeconds: seconds(backlog.at, startedAt), leftAtEnd: backlog.left },
      busiestMinute: {
        completed: completed.count,
        completedFromSeconds: seconds(completed.from, startedAt),
        created: created.count,
        createdFromSeconds: seconds(created.from, startedAt),
        limitPerMinute: limits.transferRatePerMinute,
      },
      lastAckAtSeconds: seconds(lastAck, startedAt),
      drainedAfterMs,
      drainBudgetMs: budgetMs,
      verdict: { ...verdict, pass: Object.values(verdict).every(Boolean) },
    };
  } finally {
    clearInterval(ledgerSampler);
    clearInterval(databaseSampler);
    progress.stop();
  }
}
