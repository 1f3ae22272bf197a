/** Failures the simulator produces on purpose, set at start or at run time. */
import { z } from 'zod';

export type FaultScope = 'all' | 'transfers' | 'payment_codes';

export interface FaultConfig {
  /** Probability per HTTP status, e.g. `{ "500": 0.3 }`. */
  errorRates: Record<string, number>;
  /** `before`: reject without recording; `after`: record the transfer, move money, then answer the error (a lost response). */
  errorMode: 'before' | 'after';
  latencyMs: number;
  latencyJitterMs: number;
  /** Requests that never answer within `hangMs` (the caller's timeout fires first). */
  hangProbability: number;
  hangMs: number;
  /** Hang after the transfer was recorded and the money moved: the caller never learns it succeeded. */
  hangAfterApplying: boolean;
  /** The next N requests get 429 with Retry-After. */
  rateLimitBurst: number;
  retryAfterSeconds: number;
  /** Every MoniMe endpoint answers 503 while set (ms since epoch; `Infinity`-like large value = until cleared). */
  outageUntil: number | null;
  /** Transfers answered `pending`, settled after `pendingSettleMs` with `pendingOutcome`. */
  pendingTransfers: boolean;
  pendingSettleMs: number;
  pendingOutcome: 'completed' | 'failed';
  /** Off: settled transfers are seen only by polling GET. */
  webhooksEnabled: boolean;
  /** Every transfer POST answers 422 (a request MoniMe will never accept) until cleared. */
  rejectTransfers: boolean;
  /** Every call answers 401, before idempotency replay: as when the access token was revoked. */
  rejectCredentials: boolean;
  scope: FaultScope;
  seed: number;
}

export const NO_FAULTS: FaultConfig = {
  errorRates: {},
  errorMode: 'before',
  latencyMs: 0,
  latencyJitterMs: 0,
  hangProbability: 0,
  hangMs: 60_000,
  hangAfterApplying: false,
  rateLimitBurst: 0,
  retryAfterSeconds: 1,
  outageUntil: null,
  pendingTransfers: false,
  pendingSettleMs: 1_000,
  pendingOutcome: 'completed',
  webhooksEnabled: true,
  rejectTransfers: false,
  rejectCredentials: false,
  scope: 'all',
  seed: 42,
};

const probability = z.number().min(0).max(1);
const milliseconds = z
  .number()
  .int()
  .min(0)
  .max(24 * 60 * 60 * 1000);

/**
 * What `PUT /_sim/faults` and SIMULATOR_FAULTS accept: any subset of the settings, each
 * checked, and nothing else — a misspelt setting is an error, not a fault silently not set.
 */
export const faultConfigSchema = z
  .object({
    errorRates: z.record(z.string().regex(/^[45]\d\d$/, 'an HTTP status from 400 to 599'), probability),
    errorMode: z.enum(['before', 'after']),
    latencyMs: milliseconds,
    latencyJitterMs: milliseconds,
    hangProbability: probability,
    hangMs: milliseconds,
    hangAfterApplying: z.boolean(),
    rateLimitBurst: z.number().int().min(0),
    retryAfterSeconds: z.number().int().min(0).max(3600),
    outageUntil: z.number().int().min(0).nullable(),
    pendingTransfers: z.boolean(),
    pendingSettleMs: milliseconds,
    pendingOutcome: z.enum(['completed', 'failed']),
    webhooksEnabled: z.boolean(),
    rejectTransfers: z.boolean(),
    rejectCredentials: z.boolean(),
    scope: z.enum(['all', 'transfers', 'payment_codes']),
    seed: z.number().int(),
  })
  .partial()
  .strict();

export type Endpoint = 'transfers' | 'payment_codes';

export type FaultDecision =
  | { kind: 'outage' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'hang'; ms: number; afterApplying: boolean }
  | { kind: 'reject' }
  | { kind: 'error'; status: number; mode: 'before' | 'after' };

/** mulberry32: small, seedable, good enough to make fault patterns reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultController {
  private current: FaultConfig;
  private random: () => number;

  constructor(initial: Partial<FaultConfig> = {}) {
    this.current = { ...NO_FAULTS, ...initial };
    this.random = seededRandom(this.current.seed);
  }

  get config(): FaultConfig {
    return this.current;
  }

  set(partial: Partial<FaultConfig>): FaultConfig {
    this.current = { ...this.current, ...partial };
    if (partial.seed !== undefined) this.random = seededRandom(partial.seed);
    return this.current;
  }

  reset(): FaultConfig {
    return this.set({ ...NO_FAULTS });
  }

  /** Outage for `ms` from now; `clearOutage` ends it early. */
  outageFor(ms: number): void {
    this.set({ outageUntil: Date.now() + ms });
  }

  clearOutage(): void {
    this.set({ outageUntil: null });
  }

  delayMs(): number {
    return this.current.latencyMs + (this.current.latencyJitterMs > 0 ? Math.floor(this.random() * this.current.latencyJitterMs) : 0);
  }

  decide(endpoint: Endpoint, isWrite: boolean): FaultDecision | null {
    const c = this.current;
    if (c.outageUntil !== null && Date.now() < c.outageUntil) return { kind: 'outage' };
    if (c.scope !== 'all' && c.scope !== endpoint) return null;
    if (c.rateLimitBurst > 0) {
      this.current = { ...c, rateLimitBurst: c.rateLimitBurst - 1 };
      return { kind: 'rate_limited', retryAfterSeconds: c.retryAfterSeconds };
    }
    if (c.hangProbability > 0 && this.random() < c.hangProbability)
      return { kind: 'hang', ms: c.hangMs, afterApplying: isWrite && c.hangAfterApplying };
    if (endpoint === 'transfers' && isWrite && c.rejectTransfers) return { kind: 'reject' };
    for (const [status, rate] of Object.entries(c.errorRates)) {
      if (rate > 0 && this.random() < rate) return { kind: 'error', status: Number(status), mode: isWrite ? c.errorMode : 'before' };
    }
    return null;
  }
}
