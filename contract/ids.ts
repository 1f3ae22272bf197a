/**
 * Names and keys both sides must derive identically: the API starts and signals workflows by
 * these ids, the workflows address each other by them, and MoniMe deduplicates by the key.
 * Pure and dependency-free, so workflow code may call them.
 */

/** Contract §4: one workflow per MoniMe payment, ever. */
export const workflowIdForTransaction = (transactionId: string) => `transaction-${transactionId}`;

/** One release per payment code, whoever asks for it: for an expired code whose ticket the webhook does not name. */
export const workflowIdForExpiredCode = (paymentCodeId: string) => `payment-code-expired-${paymentCodeId}`;

/**
 * One release per reservation: started with the ticket, delayed to its deadline, brought
 * forward by the payment_code.expired webhook (signal-with-start on this same id).
 */
export const workflowIdForReservation = (ticketId: string) => `reservation-${ticketId}`;

/** Transfers get their own queue so that one server-side rate limit covers every worker. */
export const transferTaskQueueFor = (taskQueue: string) => `${taskQueue}-transfers`;

/** One stall sweeper per task queue (a Temporal Schedule, workers/stallSweepSchedule.ts); its runs are `<id>-<time>`. */
export const stallSweepScheduleId = (taskQueue: string) => `stall-sweep-${taskQueue}`;

/** Batcher ids carry the task queue so that separate deployments on one namespace never share a batcher. */
export const auditBatcherWorkflowId = (taskQueue: string, shard: number) => `audit-batcher-${taskQueue}-${shard}`;

/**
 * Derived from the transaction id only (contract §4), ≤ 64 chars. A later round exists only
 * after MoniMe reported the previous transfer `failed` and an operator asked for a retry:
 * replaying the old key would only return the failed transfer again.
 */
export function transferIdempotencyKey(transactionId: string, round = 0): string {
  const base = `fareflow-transfer-${transactionId}`;
  const key = round === 0 ? base : `${base}-r${round}`;
  if (key.length <= 64) return key;
  return `fft-${fnv1a64(transactionId)}${round === 0 ? '' : `-r${round}`}`;
}

/** Stable, dependency-free hash (usable inside workflow code too). */
export function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** Routes an entity's audit events to one batcher shard, the same one every time. */
export function auditShardFor(entityId: string, shards: number): number {
  return Number(BigInt(`0x${fnv1a64(entityId)}`) % BigInt(shards));
}
