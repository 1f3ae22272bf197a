import { CancellationScope, sleep } from '@temporalio/workflow';
import type { TransactionState } from './state';

/**
 * Stuck detection: nothing failed, but the transaction has not finished in time. It then
 * shows needs_attention/stalled so operators find it; the transaction itself goes on.
 */
export function watchForStall(state: TransactionState, stallTimeoutSeconds: number): void {
  CancellationScope.nonCancellable(async () => {
    await sleep(stallTimeoutSeconds * 1000);
    if (state.view.status === 'processing' && !state.isFinished()) {
      await state.needsAttention('stalled', { stage: state.view.stage });
      state.audit.flush();
    }
  }).catch(() => undefined);
}
