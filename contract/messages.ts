/**
 * Signals and queries, defined once and imported by workflows and clients alike (API, ops
 * CLI, tests): a renamed message breaks the build, not a running payment.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AuditBatcherStats, AuditEvent } from './audit';
import type { CancelNote, ResolveDecision, RetryTransferRequest } from './operator';
import type { TransactionStatusView, TransferUpdate } from './transaction';

export const statusQuery = defineQuery<TransactionStatusView>('status');
export const retryTransferSignal = defineSignal<[RetryTransferRequest?]>('retryTransfer');
export const resolveSignal = defineSignal<[ResolveDecision]>('resolve');
export const cancelNoteSignal = defineSignal<[CancelNote]>('cancelNote');
/** From the internal_transfer.* webhooks (contract §2). */
export const transferUpdateSignal = defineSignal<[TransferUpdate]>('transferUpdate');

export const auditEventsSignal = defineSignal<[AuditEvent[]]>('auditEvents');
export const batcherStatsQuery = defineQuery<AuditBatcherStats>('stats');
