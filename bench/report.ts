import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chartSvg } from './chart';
import { knee, KNEE_BAR, meetsBar } from './knee';
import type { StepFigures } from './measure';
import type { Percentiles } from './stats';
import type { SustainedFigures } from './sustained';

export interface TopologyRun {
  topology: string;
  describe: string[];
  steps: StepFigures[];
  /** Highest rate meeting the bar (bench/knee.ts), per second. */
  knee: number | null;
  /** Why the plan ended early on this topology (its steps measured until then are kept). */
  error?: string;
}

export interface AblationRun {
  lever: string;
  what: string;
  /** `on`: the default stack; `off`: the lever switched off. */
  state: 'on' | 'off';
  topology: string;
  steps: StepFigures[];
  error?: string;
}

/** `--sustained`: one long step on a stack of its own, transfer limit at its configured value (bench/sustained.ts). */
export interface SustainedRun {
  topology: string;
  describe: string[];
  /** Null when the run ended before it was measured (see error). */
  result: SustainedFigures | null;
  error?: string;
}

export interface BenchReport {
  at: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string };
  plan: { steps: string[]; quick: boolean; sustained?: string | null };
  runs: TopologyRun[];
  ablation: AblationRun[];
  /** Absent or null: no --sustained, or not run yet (a report written before it started). */
  sustained?: SustainedRun | null;
}

export function machine(): BenchReport['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  };
}

export function topologyRun(topology: string, describe: string[], steps: StepFigures[]): TopologyRun {
  return { topology, describe, steps, knee: knee(steps) };
}

const ms = (p: Percentiles) => [p.p50, p.p95, p.p99].map((value) => (value === null ? '–' : Math.round(value))).join(' / ');
const msWithMax = (p: Percentiles) => [p.p50, p.p95, p.p99, p.max].map((value) => (value === null ? '–' : Math.round(value))).join(' / ');
const or = (value: number | null, text = '–') => (value === null ? text : String(value));

/** `markKnee`: a ✓ when the step meets the knee's bar (not for the sustained run, whose bar is its own). */
function stepRow(topology: string, step: StepFigures, markKnee = true): string {
  const first = step.firstDelivery;
  return [
    step.step + (markKnee && meetsBar(step) ? ' ✓' : ''),
    topology,
    step.offered,
    `${first.ok} / ${first.refused503}${first.refused503 ? ` (p95 ${step.shedAnswerMs.p95} ms)` : ''} / ${first.other}`,
    step.deliveriesPerPayment,
    ms(step.ackMs),
    ms(step.ticketIssuedMs),
    ms(step.transferCompletedMs),
    or(step.settledPerSecond),
    step.allSettledMs === null ? `not all (${step.settled}/${step.acked})` : (step.allSettledMs / 1000).toFixed(1),
    step.maxTransferBacklog,
    `${or(step.history.eventsPerPayment)} / ${or(step.history.actionsPerPayment)}`,
    `${step.lost} / ${step.doubled}${step.unfinished ? ` (${step.unfinished} unfinished)` : ''}`,
    cpuCell(step),
  ].join(' | ');
}

/** Node / Temporal / PostgreSQL CPU ms per settled payment; the rest of the machine in brackets. */
function cpuCell(step: StepFigures): string {
  const cpu = step.cpuMsPerPayment;
  return cpu ? `${cpu.node} / ${cpu.temporal} / ${cpu.postgres} (${cpu.other})` : '–';
}

const STEP_HEADER = [
  '| step | topology | offered | 1st delivery 2xx / 503 (503 answer p95) / other | deliveries per payment | ack p50 / p95 / p99 ms | → ticket issued p50 / p95 / p99 ms | → transfer completed p50 / p95 / p99 ms | settled/s | all settled after s | max transfer backlog | history events / actions per payment | lost / doubled | CPU ms per payment: Node / Temporal / PostgreSQL (rest) |',
  '| --- | --- | --: | --- | --: | --- | --- | --- | --: | --- | --: | --- | --- | --- |',
];

/** Steps of every topology in one table: each step's rows side by side. */
function stepsTable(runs: TopologyRun[]): string[] {
  const names = [...new Set(runs.flatMap((run) => run.steps.map((step) => step.step)))];
  const rows = names.flatMap((name) =>
    runs.flatMap((run) => run.steps.filter((step) => step.step === name).map((step) => `| ${stepRow(run.topology, step)} |`)),
  );
  return [...STEP_HEADER, ...rows];
}

const verdict = (ok: boolean) => (ok ? '**pass**' : '**FAIL**');
const secondsOr = (ms: number | null, text: string) => (ms === null ? text : `${(ms / 1000).toFixed(1)} s`);

/** The sustained run: its criteria with a verdict each, then its figures and its step row as in the main table. */
function sustainedSection(run: SustainedRun | null | undefined): string[] {
  if (!run) return [];
  const head = ['## Sustained run (transfer limit at its configured value)', '', `- ${run.describe.join('; ')}`];
  if (run.error) head.push(`- **ended early**: ${run.error}`);
  const r = run.result;
  if (!r) return [...head, ''];
  const f = r.figures;
  const reasons = Object.entries(r.needsAttention.byReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return [
    ...head,
    `- TRANSFER_RATE_PER_MINUTE ${r.limits.transferRatePerMinute}, STALL_TIMEOUT_SECONDS ${r.limits.stallTimeoutSeconds}; ` +
      `last webhook acknowledged ${r.lastAckAtSeconds ?? '–'} s after the step began; the bench waited up to ${(r.drainBudgetMs / 60_000).toFixed(1)} min after it for the drain.`,
    '',
    `**${f.step}: ${r.verdict.pass ? 'PASS' : 'FAIL'}**`,
    '',
    '| criterion | measured | verdict |',
    '| --- | --- | --- |',
    `| every ticket issued ≤ ${r.ticketIssued.limitMs / 1000} s after its webhook | p50 / p95 / p99 / max ${msWithMax(f.ticketIssuedMs)} ms; ` +
      `over ${r.ticketIssued.limitMs / 1000} s: ${r.ticketIssued.overLimit}, never issued: ${r.ticketIssued.notIssued} (of ${f.offered}) | ${verdict(r.verdict.ticketsWithinLimit)} |`,
    `| no transaction ever needs_attention | ${r.needsAttention.ever} ever${reasons ? ` (${reasons})` : ''}, ${r.needsAttention.atEnd} at the end | ${verdict(r.verdict.noNeedsAttention)} |`,
    `| transfer backlog drained afterwards | ${secondsOr(r.drainedAfterMs, `not within the wait: ${r.backlog.leftAtEnd} untransferred, ${f.unfinished} unfinished`)} after the last webhook; ` +
      `max backlog ${r.backlog.max} at ${r.backlog.atSeconds ?? '–'} s | ${verdict(r.verdict.drained)} |`,
    `| none lost or doubled | lost ${f.lost}, doubled ${f.doubled} | ${verdict(r.verdict.noneLostOrDoubled)} |`,
    '',
    `Busiest 60 s at MoniMe: ${r.busiestMinute.completed} transfers completed (from ${r.busiestMinute.completedFromSeconds ?? '–'} s), ` +
      `${r.busiestMinute.created} created (from ${r.busiestMinute.createdFromSeconds ?? '–'} s), against a limit of ${r.busiestMinute.limitPerMinute}/min. ` +
      "Times count from the step's start; ticket latency from the webhook's scheduled time. Needs_attention: from the audit trail and the transactions table.",
    '',
    ...STEP_HEADER,
    `| ${stepRow(run.topology, f, false)} |`,
    '',
  ];
}

function ablationTable(ablation: AblationRun[]): string[] {
  if (ablation.length === 0) return [];
  const rows = ablation.flatMap((run) =>
    run.steps.map(
      (step) =>
        `| ${run.lever} | ${run.state} | ${run.topology} | ${step.step} | ${step.firstDelivery.ok} / ${step.firstDelivery.refused503} | ` +
        `${ms(step.ackMs)} | ${ms(step.transferCompletedMs)} | ${or(step.settledPerSecond)} | ` +
        `${step.allSettledMs === null ? 'not all' : (step.allSettledMs / 1000).toFixed(1)} | ${or(step.history.eventsPerPayment)} | ${step.lost} / ${step.doubled}${step.unfinished ? ` (${step.unfinished} unfinished)` : ''} | ${cpuCell(step)} |`,
    ),
  );
  const levers = [...new Map(ablation.map((run) => [run.lever, run.what])).entries()].filter(([lever]) => lever !== 'all on');
  return [
    '## Ablation: each lever on and off, same run',
    '',
    ...levers.map(([lever, what]) => `- **${lever}**: ${what}`),
    ...ablation.filter((run) => run.error).map((run) => `- ${run.lever} ${run.state} ended early: ${run.error}`),
    '',
    '| lever | state | topology | step | 1st delivery 2xx / 503 | ack p50 / p95 / p99 ms | → transfer completed p50 / p95 / p99 ms | settled/s | all settled after s | events per payment | lost / doubled | CPU ms per payment: Node / Temporal / PostgreSQL (rest) |',
    '| --- | --- | --- | --- | --- | --- | --- | --: | --- | --: | --- | --- |',
    ...rows,
    '',
  ];
}

const planText = (plan: BenchReport['plan']) =>
  [
    plan.steps.length ? plan.steps.join(', ') : 'no rate steps or bursts',
    ...(plan.sustained ? [`then sustained ${plan.sustained}`] : []),
  ].join(', ');

/** The plan's steps on each topology: knee, table, chart; nothing when the plan had none (only --sustained or the ablation). */
function mainSection(report: BenchReport, chartFile: string): string[] {
  if (report.runs.every((run) => run.steps.length === 0 && !run.error)) return [];
  return [
    ...report.runs.flatMap((run) => [
      `- ${run.describe.join('; ')}`,
      ...(run.error ? [`  - **${run.topology} ended early**: ${run.error}`] : []),
    ]),
    '',
    `Knee (highest rate with ack p95 < ${KNEE_BAR.ackP95Ms} ms, webhook → transfer completed p95 < ${KNEE_BAR.transferCompletedP95Ms / 1000} s, ` +
      `only 2xx on first delivery; TRANSFER_RATE_PER_MINUTE lifted): ` +
      report.runs.map((run) => `**${run.topology}: ${run.knee === null ? 'none of the rates' : `${run.knee}/s`}**`).join(', ') +
      '. Steps meeting the bar are marked ✓.',
    '',
    ...stepsTable(report.runs),
    '',
    'Latencies count from when the schedule said to send the webhook (open loop), so queueing anywhere, the sender included, is in them. ' +
      'Lost: acknowledged, yet no transfer in the simulator ledger and no transaction still in progress; doubled: more than one transfer ' +
      'for one payment; unfinished: acknowledged, still in progress when the step stopped waiting. ' +
      'History: a sample of completed transaction workflows; actions as Temporal Cloud bills them (bench/history.ts).',
    '',
    `![latency and settled/s against offered rate](${chartFile})`,
    '',
  ];
}

export function markdown(report: BenchReport, chartFile: string): string {
  const m = report.machine;
  return [
    `# fareflow bench ${report.at}`,
    '',
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}. Plan: ${planText(report.plan)}.`,
    '',
    ...mainSection(report, chartFile),
    ...ablationTable(report.ablation),
    ...sustainedSection(report.sustained),
  ].join('\n');
}

/** `<stamp>.json`, `<stamp>.md` and `<stamp>.svg` in `outDir`; returns their paths. */
export function writeReports(report: BenchReport, outDir: string): { json: string; md: string; svg: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = report.at.replace(/[:.]/g, '-');
  const files = { json: path.join(outDir, `${stamp}.json`), md: path.join(outDir, `${stamp}.md`), svg: path.join(outDir, `${stamp}.svg`) };
  fs.writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(files.svg, chartSvg(report.runs));
  fs.writeFileSync(files.md, markdown(report, path.basename(files.svg)));
  return files;
}
