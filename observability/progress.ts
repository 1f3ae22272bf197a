/**
 * Lines for the person at the terminal during slow first steps (downloading or building the
 * Temporal CLI, initialising PostgreSQL, migrating): what is being done, and how long it took.
 * Steps that are quick on a second start do not call this, so that start stays quiet.
 */
export type Say = (line: string) => void;

export const sayOnStderr: Say = (line) => process.stderr.write(`${line}\n`);

export interface Step {
  /** Seconds since the step began, one decimal. */
  elapsed(): string;
  /** `  … <what>: <detail> (N s)`: how far a long step is. */
  progress(detail: string): void;
  done(detail?: string): void;
  failed(reason: string): void;
}

export function beginStep(say: Say, what: string): Step {
  const started = Date.now();
  const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
  say(`→ ${what}…`);
  return {
    elapsed,
    progress: (detail) => say(`  … ${what}: ${detail} (${elapsed()} s)`),
    done: (detail) => say(`✓ ${what}${detail ? `: ${detail}` : ''} (${elapsed()} s)`),
    failed: (reason) => say(`✗ ${what}: ${reason} (${elapsed()} s)`),
  };
}
