import type { StepFigures } from './measure';

/** Issue 12's bar for a sustainable rate. */
export const KNEE_BAR = { ackP95Ms: 100, transferCompletedP95Ms: 2_000 } as const;

/** Whether a rate step meets the bar: ack p95 < 100 ms, webhook → transfer completed p95 < 2 s, only 2xx on first delivery. */
export function meetsBar(step: StepFigures): boolean {
  return (
    step.kind === 'rate' &&
    step.ackMs.p95 !== null &&
    step.ackMs.p95 < KNEE_BAR.ackP95Ms &&
    step.transferCompletedMs.p95 !== null &&
    step.transferCompletedMs.p95 < KNEE_BAR.transferCompletedP95Ms &&
    step.firstDelivery.ok === step.offered &&
    step.lost === 0 &&
    step.doubled === 0
  );
}

/** The highest offered rate that meets the bar; null when none does. */
export function knee(steps: StepFigures[]): number | null {
  const rates = steps.filter(meetsBar).map((step) => step.offeredPerSecond!);
  return rates.length ? Math.max(...rates) : null;
}
