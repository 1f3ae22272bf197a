/**
 * `npm run bench`: issue 12's proof of throughput. Open-loop constant rates and bursts, one
 * after another on one stack, with a sender that redelivers like MoniMe; the knee; an ablation
 * table; JSON, Markdown and an SVG chart under bench/reports/ (or --out). See bench/settings.ts
 * for the options (--quick, --rates, --duration, --bursts, --topology embedded|cluster|both,
 * --ablation on|off, --levers, --sustained <rate>x<seconds>, --out, --temporal-data).
 */
import path from 'node:path';
import { bundleWorkflows, type WorkflowBundle } from '../workers/bundle';
import { leversFor, type StackVariant } from './ablation';
import type { StepFigures } from './measure';
import { ProgressLine } from './progress';
import { machine, topologyRun, writeReports, type AblationRun, type BenchReport, type SustainedRun, type TopologyRun } from './report';
import { BenchSettingsError, stepName, type BenchSettings, type BenchStep, type Topology, benchSettings } from './settings';
import { runPlan } from './steps';
import { runSustained, SUSTAINED_VARIANT, sustainedLimits, type SustainedFigures } from './sustained';
import type { BenchTarget } from './target';
import { startCluster, startEmbedded } from './topology';

const say = (line: string) => process.stdout.write(`${line}\n`);
const progress = new ProgressLine();

/** The running stack, stopped on Ctrl-C as well. */
let current: BenchTarget | null = null;

async function onStack<T>(
  topology: Topology,
  name: string,
  variant: StackVariant,
  ctx: { settings: BenchSettings; bundle: WorkflowBundle },
  use: (target: BenchTarget) => Promise<T>,
): Promise<T> {
  say(`→ starting the ${name} stack (${topology})`);
  const start = topology === 'cluster' ? startCluster : startEmbedded;
  const logDir = path.join(ctx.settings.outDir, 'logs');
  const target = await start({ name, variant, temporalData: ctx.settings.temporalData, workflowBundle: ctx.bundle, logDir, say });
  say(`  ${target.describe.join('\n  ')}\n  logs in ${logDir}`);
  current = target;
  try {
    return await use(target);
  } finally {
    progress.stop();
    await target.stop();
    current = null;
  }
}

const printStep = (name: string) => (step: StepFigures) =>
  say(
    `  ${name} ${step.step}: first 2xx ${step.firstDelivery.ok}/${step.offered}, ack p95 ${step.ackMs.p95} ms` +
      (step.firstDelivery.refused503 ? ` (503s ${step.firstDelivery.refused503}, answered p95 ${step.shedAnswerMs.p95} ms)` : '') +
      ', ' +
      `→ transfer p95 ${step.transferCompletedMs.p95} ms, settled/s ${step.settledPerSecond}, lost ${step.lost}, doubled ${step.doubled}`,
  );

/**
 * The steps on a fresh stack. A failure ends this stack's plan but not the bench: the steps
 * measured so far are kept, with the error, so the report still gets written.
 */
async function plan(
  topology: Topology,
  name: string,
  variant: StackVariant,
  steps: BenchStep[],
  ctx: { settings: BenchSettings; bundle: WorkflowBundle },
): Promise<{ describe: string[]; steps: StepFigures[]; error?: string }> {
  const measured: StepFigures[] = [];
  let describe: string[] = [];
  try {
    await onStack(topology, name, variant, ctx, async (target) => {
      describe = target.describe;
      const onStep = (step: StepFigures) => {
        measured.push(step);
        printStep(name)(step);
      };
      await runPlan({ target, steps, progress, historySamples: ctx.settings.historySamples, onStep });
    });
    return { describe, steps: measured };
  } catch (error) {
    say(`✗ ${name}: ${(error as Error).message}`);
    return { describe, steps: measured, error: (error as Error).message };
  }
}

/** The default stack and each lever switched off, on the ablation's shorter plan, on the first topology asked for. */
async function ablation(ctx: { settings: BenchSettings; bundle: WorkflowBundle }): Promise<AblationRun[]> {
  const { ablationSteps, topologies, levers: names } = ctx.settings;
  if (ablationSteps.length === 0) return [];
  const topology = topologies[0];
  const levers = leversFor(topology, names);
  const on = await plan(topology, 'all-levers-on', { env: {} }, ablationSteps, ctx);
  const runs: AblationRun[] = [{ lever: 'all on', what: 'the default stack', state: 'on', topology, steps: on.steps, error: on.error }];
  for (const lever of levers) {
    const off = await plan(topology, `${lever.name}-off`, lever.off, ablationSteps, ctx);
    runs.push({ lever: lever.name, what: lever.what, state: 'off', topology, steps: off.steps, error: off.error });
  }
  return runs;
}

const tick = (ok: boolean) => (ok ? '✓' : '✗');
const orDash = (value: number | null) => (value === null ? '–' : String(Math.round(value)));

function printSustained(r: SustainedFigures) {
  const f = r.figures;
  const t = f.ticketIssuedMs;
  const reasons = Object.entries(r.needsAttention.byReason).map(([reason, n]) => `${reason} ${n}`);
  say(
    `  ${f.step} (transfers ≤ ${r.limits.transferRatePerMinute}/min): acked ${f.acked}/${f.offered}, ack p95 ${orDash(f.ackMs.p95)} ms, lost ${f.lost}, doubled ${f.doubled}`,
  );
  say(
    `    ${tick(r.verdict.ticketsWithinLimit)} webhook → ticket issued p50/p95/p99/max ${[t.p50, t.p95, t.p99, t.max].map(orDash).join('/')} ms; ` +
      `over ${r.ticketIssued.limitMs / 1000} s: ${r.ticketIssued.overLimit}, never issued: ${r.ticketIssued.notIssued}`,
  );
  say(
    `    ${tick(r.verdict.noNeedsAttention)} ever needs_attention: ${r.needsAttention.ever}${reasons.length ? ` (${reasons.join(', ')})` : ''}, at the end ${r.needsAttention.atEnd}`,
  );
  say(
    `    ${tick(r.verdict.drained)} backlog drained ${r.drainedAfterMs === null ? `not within ${(r.drainBudgetMs / 1000).toFixed(0)} s (${r.backlog.leftAtEnd} left)` : `${(r.drainedAfterMs / 1000).toFixed(1)} s`} ` +
      `after the last webhook; max backlog ${r.backlog.max} at ${r.backlog.atSeconds ?? '–'} s; busiest 60 s: ${r.busiestMinute.completed} transfers completed ` +
      `(${r.busiestMinute.created} created), limit ${r.busiestMinute.limitPerMinute}/min`,
  );
  say(`    ${r.verdict.pass ? 'PASS' : 'FAIL'}`);
}

/** The sustained step on a fresh stack of the first topology, MoniMe's transfer limit left at its configured value. */
async function sustained(ctx: { settings: BenchSettings; bundle: WorkflowBundle }): Promise<SustainedRun | null> {
  const step = ctx.settings.sustained;
  if (!step) return null;
  const topology = ctx.settings.topologies[0];
  const limits = sustainedLimits(SUSTAINED_VARIANT);
  let describe: string[] = [];
  try {
    const result = await onStack(topology, 'sustained', SUSTAINED_VARIANT, ctx, async (target) => {
      describe = target.describe;
      return runSustained({ target, step, limits, progress, historySamples: ctx.settings.historySamples, say });
    });
    printSustained(result);
    return { topology, describe, result };
  } catch (error) {
    say(`✗ sustained: ${(error as Error).message}`);
    return { topology, describe, result: null, error: (error as Error).message };
  }
}

async function main() {
  const settings = benchSettings();
  const planned = settings.steps.length ? settings.steps.map(stepName).join(', ') : 'no rate steps or bursts';
  const then = settings.sustained ? `, then sustained ${stepName(settings.sustained)} (its own stack, transfer limit as configured)` : '';
  say(`plan: ${planned} on ${settings.topologies.join(' then ')}${then}; output in ${settings.outDir}`);
  const ctx = { settings, bundle: await bundleWorkflows() };
  const runs: TopologyRun[] = [];
  for (const topology of settings.steps.length ? settings.topologies : []) {
    const run = await plan(topology, topology, { env: {} }, settings.steps, ctx);
    runs.push({ ...topologyRun(topology, run.describe, run.steps), error: run.error });
  }
  const report: BenchReport = {
    at: new Date().toISOString(),
    machine: machine(),
    plan: {
      steps: settings.steps.map(stepName),
      quick: settings.quick,
      sustained: settings.sustained ? stepName(settings.sustained) : null,
    },
    runs,
    ablation: await ablation(ctx),
  };
  if (settings.sustained && (runs.length || report.ablation.length)) {
    // The sustained run takes about an hour: what was measured before it is on disk meanwhile (the same files, rewritten after it).
    const files = writeReports(report, settings.outDir);
    say(`report so far: ${files.md}`);
  }
  report.sustained = await sustained(ctx);
  const files = writeReports(report, settings.outDir);
  if (runs.length) say(`\nknee: ${runs.map((run) => `${run.topology} ${run.knee === null ? 'none' : `${run.knee}/s`}`).join(', ')}`);
  if (report.sustained?.result) say(`sustained: ${report.sustained.result.verdict.pass ? 'PASS' : 'FAIL'}`);
  say(`report: ${files.md}\n        ${files.json}\n        ${files.svg}`);
}

process.once('SIGINT', () => {
  progress.stop();
  say('interrupted: stopping the stack');
  void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});

main().then(
  () => process.exit(0),
  (error) => {
    progress.stop();
    if (error instanceof BenchSettingsError) {
      process.stderr.write(`bench: ${error.message}\n(options: bench/settings.ts, README "Benchmarks")\n`);
      process.exit(2);
    }
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  },
);
