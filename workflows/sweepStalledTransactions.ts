import { proxyActivities } from '@temporalio/workflow';
import type { StallSweepActivities, StallSweepInput, StallSweepResult } from '../contract';
import { STALL_SWEEP_RETRY } from './retryPolicies';

// Bounded: the Schedule skips a sweep while one runs (overlap SKIP), so a sweep that hangs
// would hold up the next ones; the next sweep does the work of a failed one.
const { signalStalledTransactions } = proxyActivities<StallSweepActivities>({
  startToCloseTimeout: '1 minute',
  retry: STALL_SWEEP_RETRY,
});

/**
 * One run of the stall sweeper: started by the task queue's Schedule (`stall-sweep-<queue>`,
 * workers/stallSweepSchedule.ts) every quarter of STALL_TIMEOUT_SECONDS (1 to 60 s). The
 * activity finds transactions still `processing` past the stall timeout through visibility
 * and signals them `stallDetected`; each marks itself stalled (transaction/stallWatch.ts). In
 * place of a timer in every payment's history, one small workflow per interval for the whole
 * queue, whether it has ten payments in flight or ten thousand.
 */
export async function sweepStalledTransactions(input: StallSweepInput): Promise<StallSweepResult> {
  return signalStalledTransactions(input);
}
