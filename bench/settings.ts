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
  outDir: string;
  temporalData: string;
  /** Completed workflows per step whose history is fetched and counted. */
  historySamples: number;
  quick: boolean;
}

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(',').filter(Boolean));
const numbers = z.array(z.coerce.number().positive());

const rateSteps = (rates: number[], durationSeconds: number): BenchStep[] =>
  rates.map((ratePerSecond) => ({ kind: 'rate', ratePerSecond, durationSeconds }));
const burstSteps = (sizes: number[]): BenchStep[] => sizes.map((payments) => ({ kind: 'burst', payments: Math.round(payments) }));

/**
 * The bench's knobs come from its command line, never the environment (config/ reads that):
 *   npm run bench                                 issue 12's plan: 25, 50, 100, 200/s for 60 s, bursts 1,000, 5,000, 10,000, ablation
 *   npm run bench -- --quick                      one rate step (20/s for 15 s) and one burst (300), no ablation: under two minutes
 *   npm run bench -- --rates 25,50 --duration 30 --bursts 1000 --topology both --ablation off --out /tmp/bench
 */
export function benchSettings(argv: string[] = process.argv.slice(2)): BenchSettings {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const parsed = z
    .object({
      rates: numbers.default(quick ? [20] : [25, 50, 100, 200]),
      duration: z.coerce
        .number()
        .positive()
        .default(quick ? 15 : 60),
      bursts: numbers.default(quick ? [300] : [1_000, 5_000, 10_000]),
      topology: z.enum(['embedded', 'cluster', 'both']).default('embedded'),
      ablation: z.enum(['on', 'off']).default(quick ? 'off' : 'on'),
      ablationRate: z.coerce.number().positive().default(50),
      ablationDuration: z.coerce.number().positive().default(20),
      ablationBurst: z.coerce.number().positive().default(2_000),
      levers: z.array(z.string()).optional(),
      out: z.string().min(1).default(path.join(__dirname, 'reports')),
      temporalData: z.string().min(1).default(os.tmpdir()),
      historySamples: z.coerce
        .number()
        .int()
        .min(0)
        .default(quick ? 5 : 20),
    })
    .parse({
      rates: list(value('rates')),
      duration: value('duration'),
      bursts: list(value('bursts')),
      topology: value('topology'),
      ablation: value('ablation'),
      ablationRate: value('ablation-rate'),
      ablationDuration: value('ablation-duration'),
      ablationBurst: value('ablation-burst'),
      levers: list(value('levers')),
      out: value('out'),
      temporalData: value('temporal-data'),
      historySamples: value('history-samples'),
    });
  return {
    steps: [...rateSteps(parsed.rates, parsed.duration), ...burstSteps(parsed.bursts)],
    topologies: parsed.topology === 'both' ? ['embedded', 'cluster'] : [parsed.topology],
    ablationSteps:
      parsed.ablation === 'on' ? [...rateSteps([parsed.ablationRate], parsed.ablationDuration), ...burstSteps([parsed.ablationBurst])] : [],
    levers: parsed.levers,
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
