import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** One step of the plan: a constant open-loop rate for a while, or every payment of a burst at once. */
export type BenchStep = { kind: 'rate'; ratePerSecond: number; durationSeconds: number } | { kind: 'burst'; payments: number };

export type Topology = 'embedded' | 'cluster';

export interface BenchSettings {
  steps: BenchStep[];
  /** Run the plan on these, one after another, and report them side by side. */
  topologies: Topology[];
  /** The shorter plan each ablation variant runs; empty: no ablation. */
  ablationSteps: BenchStep[];
  /** Lever names to ablate (bench/ablation.ts); all of them by default. */
  levers?: string[];
  /**
   * One long constant-rate step after everything else, on a fresh stack of its own (the first
   * topology) with TRANSFER_RATE_PER_MINUTE left at its configured default (bench/sustained.ts).
   */
  sustained: RateStep | null;
  outDir: string;
  temporalData: string;
  /** Completed workflows per step whose history is fetched and counted. */
  historySamples: number;
  quick: boolean;
}

export type RateStep = Extract<BenchStep, { kind: 'rate' }>;

/** A command line the bench cannot run: the message says which option and why. */
export class BenchSettingsError extends Error {}

/** Options that take a value (`--name value`); `--quick` is the only one without. */
const VALUE_OPTIONS = [
  'rates',
  'duration',
  'bursts',
  'topology',
  'ablation',
  'ablation-rate',
  'ablation-duration',
  'ablation-burst',
  'levers',
  'sustained',
  'out',
  'temporal-data',
  'history-samples',
] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Reads `--name value` pairs; an unknown option or one without its value is an error, not silently ignored. */
function readArgs(argv: string[]): { values: Partial<Record<ValueOption, string>>; quick: boolean } {
  const values: Partial<Record<ValueOption, string>> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name === null || !(VALUE_OPTIONS as readonly string[]).includes(name)) {
      throw new BenchSettingsError(
        `unknown option ${arg}: options are --quick, ${VALUE_OPTIONS.map((option) => `--${option}`).join(', ')}`,
      );
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new BenchSettingsError(`--${name} needs a value`);
    values[name as ValueOption] = value;
    i++;
  }
  return { values, quick };
}

/**
 * A comma-separated list of positive numbers, or `none` for an empty list (no rate steps, no
 * bursts). An empty string is refused rather than read as none: it is more often an unset
 * shell variable than a decision.
 */
const numberList = (fallback: number[]) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      if (text.trim() === 'none') return [];
      const parts = text.split(',').map((part) => part.trim());
      if (parts.every((part) => part !== '' && Number.isFinite(Number(part)) && Number(part) > 0)) return parts.map(Number);
      ctx.addIssue({ code: 'custom', message: `positive numbers separated by commas (e.g. 25,50), or none; got '${text}'` });
      return z.NEVER;
    });

/** `<rate>x<seconds>`, e.g. 20x1200: 20 payments a second for 20 minutes. */
const sustainedStep = z
  .string()
  .optional()
  .transform((text, ctx): RateStep | null => {
    if (text === undefined || text.trim() === 'none') return null;
    const match = /^(\d+(?:\.\d+)?)x(\d+)$/.exec(text.trim());
    const ratePerSecond = Number(match?.[1]);
    const durationSeconds = Number(match?.[2]);
    if (!match || !(ratePerSecond > 0) || !(durationSeconds > 0) || ratePerSecond * durationSeconds < 1) {
      ctx.addIssue({ code: 'custom', message: `<rate per second>x<seconds> (e.g. 20x1200), or none; got '${text}'` });
      return z.NEVER;
    }
    return { kind: 'rate', ratePerSecond, durationSeconds };
  });

const camelToOption = (key: PropertyKey) => `--${String(key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(',').filter(Boolean));

const rateSteps = (rates: number[], durationSeconds: number): BenchStep[] =>
  rates.map((ratePerSecond) => ({ kind: 'rate', ratePerSecond, durationSeconds }));
const burstSteps = (sizes: number[]): BenchStep[] => sizes.map((payments) => ({ kind: 'burst', payments: Math.round(payments) }));

/**
 * The bench's knobs come from its command line, never the environment (config/ reads that):
 *   npm run bench                                 issue 12's plan: 25, 50, 100, 200/s for 60 s, bursts 1,000, 5,000, 10,000, ablation
 *   npm run bench -- --quick                      one rate step (20/s for 15 s) and one burst (300), no ablation: under two minutes
 *   npm run bench -- --rates 25,50 --duration 30 --bursts 1000 --topology both --ablation off --out /tmp/bench
 *   npm run bench -- --sustained 20x1200 --rates none --bursts none --ablation off    only the sustained run (about an hour)
 * Throws BenchSettingsError naming the option at fault.
 */
export function benchSettings(argv: string[] = process.argv.slice(2)): BenchSettings {
  const { values: value, quick } = readArgs(argv);
  const result = z
    .object({
      rates: numberList(quick ? [20] : [25, 50, 100, 200]),
      duration: z.coerce
        .number()
        .positive()
        .default(quick ? 15 : 60),
      bursts: numberList(quick ? [300] : [1_000, 5_000, 10_000]),
      topology: z.enum(['embedded', 'cluster', 'both']).default('embedded'),
      ablation: z.enum(['on', 'off']).default(quick ? 'off' : 'on'),
      ablationRate: z.coerce.number().positive().default(50),
      ablationDuration: z.coerce.number().positive().default(20),
      ablationBurst: z.coerce.number().positive().default(2_000),
      levers: z.array(z.string()).optional(),
      sustained: sustainedStep,
      out: z.string().min(1).default(path.join(__dirname, 'reports')),
      temporalData: z.string().min(1).default(os.tmpdir()),
      historySamples: z.coerce
        .number()
        .int()
        .min(0)
        .default(quick ? 5 : 20),
    })
    .safeParse({
      rates: value.rates,
      duration: value.duration,
      bursts: value.bursts,
      topology: value.topology,
      ablation: value.ablation,
      ablationRate: value['ablation-rate'],
      ablationDuration: value['ablation-duration'],
      ablationBurst: value['ablation-burst'],
      levers: list(value.levers),
      sustained: value.sustained,
      out: value.out,
      temporalData: value['temporal-data'],
      historySamples: value['history-samples'],
    });
  if (!result.success) {
    throw new BenchSettingsError(result.error.issues.map((issue) => `${camelToOption(issue.path[0] ?? '')}: ${issue.message}`).join('\n'));
  }
  const parsed = result.data;
  const steps = [...rateSteps(parsed.rates, parsed.duration), ...burstSteps(parsed.bursts)];
  const ablationSteps =
    parsed.ablation === 'on' ? [...rateSteps([parsed.ablationRate], parsed.ablationDuration), ...burstSteps([parsed.ablationBurst])] : [];
  if (steps.length === 0 && ablationSteps.length === 0 && parsed.sustained === null) {
    throw new BenchSettingsError('nothing to run: --rates none and --bursts none, with --ablation off and no --sustained <rate>x<seconds>');
  }
  return {
    steps,
    topologies: parsed.topology === 'both' ? ['embedded', 'cluster'] : [parsed.topology],
    ablationSteps,
    levers: parsed.levers,
    sustained: parsed.sustained,
    outDir: path.resolve(parsed.out),
    temporalData: parsed.temporalData,
    historySamples: parsed.historySamples,
    quick,
  };
}

/** How a step is named in tables and the progress line. */
export function stepName(step: BenchStep): string {
  return step.kind === 'rate' ? `${step.ratePerSecond}/s × ${step.durationSeconds} s` : `burst ${step.payments}`;
}

/** Payments a step sends. */
export function stepPayments(step: BenchStep): number {
  return step.kind === 'rate' ? Math.round(step.ratePerSecond * step.durationSeconds) : step.payments;
}
