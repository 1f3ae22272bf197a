/**
 * `npm run bench`: issue 12's proof of throughput. Open-loop constant rates and bursts, one
 * after another on one stack, with a sender that redelivers like MoniMe; the knee; an ablation
 * table; JSON, Markdown and an SVG chart under bench/reports/ (or --out). See bench/settings.ts
 * for the options (--quick, --rates, --duration, --bursts, --topology embedded|cluster|both,
 * --ablation on|off, --levers, --out, --temporal-data).
 */
import path from 'node:path';
import { bundleWorkflows, type WorkflowBundle } from '../workers/bundle';
import { leversFor, type StackVariant } from './ablation';
import type { StepFigures } from './measure';
import { ProgressLine } from './progress';
import { machine, topologyRun, writeReports, type AblationRun, type BenchReport, type TopologyRun } from './report';
import { stepName, type BenchSettings, type BenchStep, type Topology, benchSettings } from './settings';
import { runPlan } from './steps';
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
    `  ${name} ${step.step}: first 2xx ${step.firstDelivery.ok}/${step.offered}, ack p95 ${step.ackMs.p95} ms, ` +
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

async function main() {
  const settings = benchSettings();
  say(`plan: ${settings.steps.map(stepName).join(', ')} on ${settings.topologies.join(' then ')}; output in ${settings.outDir}`);
  const ctx = { settings, bundle: await bundleWorkflows() };
  const runs: TopologyRun[] = [];
  for (const topology of settings.topologies) {
    const run = await plan(topology, topology, { env: {} }, settings.steps, ctx);
    runs.push({ ...topologyRun(topology, run.describe, run.steps), error: run.error });
  }
  const report: BenchReport = {
    at: new Date().toISOString(),
    machine: machine(),
    plan: { steps: settings.steps.map(stepName), quick: settings.quick },
    runs,
    ablation: await ablation(ctx),
  };
  const files = writeReports(report, settings.outDir);
  say(`\nknee: ${runs.map((run) => `${run.topology} ${run.knee === null ? 'none' : `${run.knee}/s`}`).join(', ')}`);
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
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  },
);
