/**
 * Signals and queries, defined once and imported by workflows and clients alike (API, ops
 * CLI, tests): a renamed message breaks the build, not a running payment.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AuditBatcherStats, AuditEvent } from './audit';
import type { CancelNote, ResolveDecision, RetryTransferRequest } from './operator';
import type { PaymentCodeExpiredNotice } from './reservation';
import type { TransactionStatusView, TransferUpdate } from './transaction';

export const statusQuery = defineQuery<TransactionStatusView>('status');
export const retryTransferSignal = defineSignal<[RetryTransferRequest?]>('retryTransfer');
export const resolveSignal = defineSignal<[ResolveDecision]>('resolve');
export const cancelNoteSignal = defineSignal<[CancelNote]>('cancelNote');
/** From the internal_transfer.* webhooks (contract §2). */
export const transferUpdateSignal = defineSignal<[TransferUpdate]>('transferUpdate');
/**
 * From the payment_code.expired webhook to the reservation's deadline workflow. Sent by
 * signal-with-start only: a plain signal does not dispatch a workflow still in its start delay.
 */
export const paymentCodeExpiredSignal = defineSignal<[PaymentCodeExpiredNotice]>('paymentCodeExpired');

export const auditEventsSignal = defineSignal<[AuditEvent[]]>('auditEvents');
export const batcherStatsQuery = defineQuery<AuditBatcherStats>('stats');
