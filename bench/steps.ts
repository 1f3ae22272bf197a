import { ledgerByPayment, stepFigures, waitUntilSettled, type StepFigures } from './measure';
import { createCatalog, paidEnvelopes, type Catalog } from './prepare';
import { readCpuByProgram } from './cpuByProgram';
import type { ProgressLine } from './progress';
import { sendOpenLoop, type SenderCounters } from './sender';
import { stepName, stepPayments, type BenchStep } from './settings';
import type { BenchTarget } from './target';

/** MoniMe stops redelivering at some point; the bench after 15 minutes. */
const GIVE_UP_REDELIVERING_AFTER_MS = 15 * 60_000;

/** How long settling may take after the last acknowledgement before the step reports what it has. */
const settleBudgetMs = (payments: number) => 60_000 + payments * 100;

/**
 * One step on a running target: reserve and pay its tickets (not measured), send their webhooks
 * on the step's open-loop schedule, wait until every acknowledged payment settled, then measure.
 */
export async function runStep(opts: {
  target: BenchTarget;
  catalog: Catalog;
  step: BenchStep;
  progress: ProgressLine;
  historySamples: number;
}): Promise<StepFigures> {
  const { target, step, progress } = opts;
  const name = stepName(step);
  const count = stepPayments(step);
  let reserved = 0;
  progress.start(() => `${target.name} ${name}: reserving and paying tickets ${reserved}/${count}`);
  const envelopes = await paidEnvelopes(target, opts.catalog, count, (done) => (reserved = done));

  const ids = new Set(envelopes.map((envelope) => envelope.paymentId));
  const counters: SenderCounters = { sent: 0, acked: 0, refused: 0 };
  let transferred = 0;
  let settled = 0;
  let maxTransferBacklog = 0;
  const sampler = setInterval(() => {
    transferred = ledgerByPayment(target.simulator.ledger, ids).size;
    maxTransferBacklog = Math.max(maxTransferBacklog, counters.acked - transferred);
  }, 1000);
  progress.start(
    () =>
      `${target.name} ${name}: sent ${counters.sent}/${count}, acked ${counters.acked}, 503s ${counters.refused}, ` +
      `transferred ${transferred}, backlog ${counters.acked - transferred}, settled ${settled}`,
  );
  try {
    const startedAt = Date.now();
    const cpuBefore = readCpuByProgram();
    const offsetMs = step.kind === 'rate' ? (i: number) => (i * 1000) / step.ratePerSecond : () => 0;
    const sent = await sendOpenLoop(envelopes, offsetMs, {
      apiUrls: target.apiUrls,
      secret: target.webhookSecret,
      giveUpAfterMs: GIVE_UP_REDELIVERING_AFTER_MS,
      counters,
    });
    const acked = sent.filter((payment) => payment.ackedAt !== null).map((payment) => payment.paymentId);
    await waitUntilSettled(target, acked, Date.now() + settleBudgetMs(count), (n) => (settled = n));
    const cpu = { before: cpuBefore, after: readCpuByProgram() };
    clearInterval(sampler);
    progress.start(() => `${target.name} ${name}: measuring (histories of ${opts.historySamples} workflows)`);
    return await stepFigures({
      target,
      step: { name, kind: step.kind, ratePerSecond: step.kind === 'rate' ? step.ratePerSecond : null, startedAt },
      sent,
      maxTransferBacklog,
      historySamples: opts.historySamples,
      cpu,
    });
  } finally {
    clearInterval(sampler);
    progress.stop();
  }
}

/** Every step, one after another, on one stack (one company and route for all). */
export async function runPlan(opts: {
  target: BenchTarget;
  steps: BenchStep[];
  progress: ProgressLine;
  historySamples: number;
  /** Each step's figures as soon as it has them. */
  onStep?: (figures: StepFigures) => void;
}): Promise<StepFigures[]> {
  const catalog = await createCatalog(opts.target);
  const figures: StepFigures[] = [];
  for (const step of opts.steps) {
    figures.push(await runStep({ ...opts, catalog, step }));
    opts.onStep?.(figures[figures.length - 1]);
  }
  return figures;
}
