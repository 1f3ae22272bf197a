/** Contract §3: the statuses a transaction shows to the outside world. */
export type TransactionStatus = 'processing' | 'completed' | 'needs_attention' | 'cancelled';

export type TicketStatus = 'reserved' | 'issued' | 'expired' | 'cancelled';

/** Why a payment could not be applied, or a transaction stopped; shown to operators. */
export type AttentionReason =
  | 'unknown_payment_code'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'payment_code_expired'
  | 'payment_code_already_used'
  | 'transfer_failed'
  | 'stalled';

export const workflowIdForTransaction = (transactionId: string) => `transaction-${transactionId}`;

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

/** Routes a transaction's audit events to one batcher shard, the same one every time. */
export function auditShardFor(transactionId: string, shards: number): number {
  return Number(BigInt(`0x${fnv1a64(transactionId)}`) % BigInt(shards));
}

