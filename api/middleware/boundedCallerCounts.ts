/** What koa-ratelimit's memory driver stores per caller: `reset` is the end of the window, in seconds since epoch. */
export interface CallerCount {
  id: string;
  reset: number;
  remaining: number;
  total: number;
}

/**
 * The rejection limiter's memory store, bounded. koa-ratelimit 6's memory driver only
 * `get`s, `has`es and `set`s keys on a `Map` (it asserts `instanceof Map`) and never deletes
 * one, so a flood of failures from ever new addresses would grow the heap without end.
 *
 * Here an entry is forgotten once its window is over, and at most `maxEntries` are kept.
 * The driver `set`s a key only when a window starts, and every window is equally long, so
 * the Map's insertion order is the order in which windows end: expired entries are always at
 * the front, and when full the entry dropped is the one that would have expired first.
 * A dropped caller simply starts a new window; the limit stays per address.
 */
export class BoundedCallerCounts extends Map<string, CallerCount> {
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: { maxEntries: number; now?: () => number }) {
    super();
    if (!(opts.maxEntries >= 1)) throw new Error(`maxEntries must be at least 1, got ${opts.maxEntries}`);
    this.maxEntries = opts.maxEntries;
    this.now = opts.now ?? Date.now;
  }

  override get(key: string): CallerCount | undefined {
    const entry = super.get(key);
    if (entry === undefined || !this.isOver(entry)) return entry;
    super.delete(key);
    return undefined;
  }

  override has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  override set(key: string, value: CallerCount): this {
    // Re-inserted, so that the order stays the order in which windows end.
    super.delete(key);
    super.set(key, value);
    this.forgetExpired();
    for (const oldest of super.keys()) {
      if (this.size <= this.maxEntries) break;
      super.delete(oldest);
    }
    return this;
  }

  /** Callers with a window still running. */
  tracked(): number {
    this.forgetExpired();
    return this.size;
  }

  private isOver(entry: CallerCount): boolean {
    return entry.reset * 1000 <= this.now();
  }

  private forgetExpired(): void {
    for (const [key, entry] of super.entries()) {
      if (!this.isOver(entry)) break;
      super.delete(key);
    }
  }
}
