/**
 * Signals and queries, defined once and imported by workflows and clients alike (API, ops
 * CLI, tests): a renamed message breaks the build, not a running payment.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AuditBatcherStats, AuditEvent } from './audit';
import type { CancelNote, ResolveDecision, RetryTransferRequest } from './operator';
import type { PaymentCodeExpiredNotice } from './reservation';
import type { StallWatchView, TransactionStatusView, TransferUpdate } from './transaction';

export const statusQuery = defineQuery<TransactionStatusView>('status');
export const retryTransferSignal = defineSignal<[RetryTransferRequest?]>('retryTransfer');
export const resolveSignal = defineSignal<[ResolveDecision]>('resolve');
export const cancelNoteSignal = defineSignal<[CancelNote]>('cancelNote');
/**
 * From the stall sweeper (activities/stallSweep.ts) to a transaction that visibility shows
 * `processing` past STALL_TIMEOUT_SECONDS: it then marks itself needs_attention/stalled, as
 * its stall timer did before (workflows/transaction/stallWatch.ts). Acted on once; a repeat,
 * or one that comes before the transaction's own stall time, changes nothing.
 */
export const stallDetectedSignal = defineSignal<[]>('stallDetected');
/** Asked by the sweeper before it signals, so a transaction that would ignore the signal gets no history event for it. */
export const stallWatchQuery = defineQuery<StallWatchView>('stallWatch');
/** From the internal_transfer.* webhooks (contract §2). */
export const transferUpdateSignal = defineSignal<[TransferUpdate]>('transferUpdate');
/**
 * From the payment_code.expired webhook to the reservation's deadline workflow. Sent by
 * signal-with-start only: a plain signal does not dispatch a workflow still in its start delay.
 */
export const paymentCodeExpiredSignal = defineSignal<[PaymentCodeExpiredNotice]>('paymentCodeExpired');

export const auditEventsSignal = defineSignal<[AuditEvent[]]>('auditEvents');
export const batcherStatsQuery = defineQuery<AuditBatcherStats>('stats');
