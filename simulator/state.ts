import type { PaymentCode } from '../monime/types';
import type { FaultController } from './faults';
import type { Ledger } from './ledger';

interface StoredResponse {
  bodyFingerprint: string;
  status: number;
  body: unknown;
}

/** Everything the simulator remembers, shared by its routes. */
export interface SimulatorState {
  ledger: Ledger;
  faults: FaultController;
  paymentCodes: Map<string, PaymentCode>;
  /** Successful POST answers by Idempotency-Key; failures are not stored, so a retry can succeed. */
  idempotency: Map<string, StoredResponse>;
  settings: {
    accessToken: string;
    spaceId: string;
    platformAccountId: string;
    webhookSecret: string;
    webhookUrl?: string;
  };
  timers: Set<NodeJS.Timeout>;
}

export function later(state: SimulatorState, ms: number, work: () => unknown): void {
  const timer = setTimeout(() => {
    state.timers.delete(timer);
    void Promise.resolve(work()).catch(() => undefined);
  }, ms);
  state.timers.add(timer);
}
