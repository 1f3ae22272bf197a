/**
 * One line on stderr, rewritten every second while the bench runs (a new line every ten
 * seconds when stderr is not a terminal, so a CI log stays readable).
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private lastPrinted = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  /** `quiet`: prints nothing (the bench's smoke test). */
  constructor(private readonly quiet = false) {}

  start(line: () => string): void {
    this.stop();
    if (this.quiet) return;
    const started = Date.now();
    const print = () => {
      const text = `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${line()}`;
      if (this.tty) process.stderr.write(`\r\x1b[2K${text}`);
      else if (Date.now() - this.lastPrinted >= 10_000) {
        process.stderr.write(`${text}\n`);
        this.lastPrinted = Date.now();
      }
    };
    this.timer = setInterval(print, 1000);
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    if (this.tty) process.stderr.write('\r\x1b[2K');
  }
}
