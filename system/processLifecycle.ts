/** Stops a long-running process cleanly on SIGINT/SIGTERM, once, whatever arrives twice. */
export function stopOnSignals(stop: () => Promise<void>, log: (line: string) => void): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: shutting down gracefully`);
      stop()
        .then(() => process.exit(0))
        .catch((error) => {
          log(`shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        });
    });
  }
}
