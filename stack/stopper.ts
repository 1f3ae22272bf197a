import type { Logger } from '../observability/logger';

type StopStep = { name: string; stop: () => Promise<void> | void };

/**
 * The one shutdown of a running stack: every part adds a named stop step as soon as it has
 * started, and `stopAll()` runs the steps in reverse order (last started, first stopped) —
 * also when starting failed halfway, so exactly what was started is stopped.
 */
export class Stopper {
  private readonly steps: StopStep[] = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly logger: Pick<Logger, 'error'>) {}

  /** Registers how to stop a part that has just started. Added while stopping: stopped too. */
  add(name: string, stop: () => Promise<void> | void): void {
    this.steps.push({ name, stop });
    // Picked up by the running loop, or by this extra run once it has finished; failures are logged there.
    if (this.stopping) void this.stopping.catch(() => undefined).then(() => this.runSteps().catch(() => undefined));
  }

  /**
   * Runs every step once, newest first. A failing step is logged with its name and the
   * others still run; the promise then rejects naming the steps that failed.
   */
  stopAll(): Promise<void> {
    this.stopping ??= this.runSteps();
    return this.stopping;
  }

  private async runSteps(): Promise<void> {
    const failed: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.stop();
      } catch (error) {
        this.logger.error({ err: error, step: step.name }, `stopping ${step.name} failed`);
        failed.push(`${step.name}: ${(error as Error)?.message ?? error}`);
      }
    }
    if (failed.length > 0) throw new Error(`stopping failed for ${failed.join('; ')}`);
  }
}

export interface SignalLines {
  /** Said when the first SIGINT/SIGTERM arrives. */
  stopping?(signal: NodeJS.Signals): string;
  /** Said after a clean stop, before exit 0. */
  stopped?: string;
}

/**
 * On the first SIGINT or SIGTERM: `stopper.stopAll()`, then exit 0 after a clean stop, 1 when
 * a step failed. A second signal while stopping is ignored.
 */
export function stopOnSignals(stopper: Stopper, log: (line: string) => void, lines: SignalLines = {}): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(lines.stopping ? lines.stopping(signal) : `${signal}: shutting down gracefully`);
      stopper
        .stopAll()
        .then(() => {
          if (lines.stopped) log(lines.stopped);
          process.exit(0);
        })
        .catch((error) => {
          log(`shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        });
    });
  }
}
