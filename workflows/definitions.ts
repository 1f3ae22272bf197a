/**
 * Signals, queries and search attributes, defined once and imported by workflows and
 * clients alike (API, ops CLI, tests). Type-only imports keep this safe for the sandbox.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Money } from '../domain/money';
import type { AttentionReason, TransactionStatus } from '../domain/transactions';

export interface TransactionSettings {
  /** A transaction not completed within this becomes needs_attention/stalled. */
  stallTimeoutSeconds: number;
  /** A pending transfer with no webhook is polled after this. */
  transferPollAfterSeconds: number;
  /** Bounds the whole effort of one transfer call (scheduleToClose), retries included. */
  transferGiveUpAfterMinutes: number;
  /** Bounds one transfer call (startToClose); absent in histories recorded before it existed. */
  transferAttemptTimeoutSeconds?: number;
  auditShards: number;
  auditBatchSize: number;
  auditFlushMs: number;
}

export interface ProcessTransactionInput {
  /** MoniMe payment id: the transaction id. */
  transactionId: string;
  paymentCodeId: string;
  amount: Money;
  eventId: string;
  /** The webhook event's timestamp. */
  paidAt: string;
  settings: TransactionSettings;
}

export interface TransferUpdate {
  transferId: string;
  status: 'pending' | 'processing' | 'completed' | 'failed';
  failureReason?: string | null;
  eventId?: string;
}

export interface ResolveDecision {
  decision: 'accept' | 'reject';
  note: string;
  operator: string;
}

export interface RetryTransferRequest {
  operator?: string;
  note?: string;
}

export type TransactionStage =
  | 'received'
  | 'applying'
  | 'awaiting_operator'
  | 'transferring'
  | 'awaiting_transfer'
  | 'completed'
  | 'rejected'
  | 'cancelled';

export interface TransactionStatusView {
  transactionId: string;
  status: TransactionStatus;
  stage: TransactionStage;
  reason: AttentionReason | null;
  ticketId: string | null;
  companyId: string | null;
  amount: Money;
  /** The payment code's price; differs from `amount` on an amount or currency mismatch. */
  expectedAmount: Money | null;
  commission: number | null;
  net: number | null;
  transfer: {
    id: string | null;
    status: 'not_started' | 'requested' | 'pending' | 'processing' | 'completed' | 'failed';
    idempotencyKey: string | null;
    round: number;
  } | null;
  attempts: number;
  lastError: string | null;
  decisions: Array<{ kind: 'resolve' | 'retryTransfer' | 'cancel'; decision?: string; note?: string; operator?: string; at: string; outcome: string }>;
  cancelRefusedReason: string | null;
}

/**
 * Sent by the ops CLI just before a Temporal cancel, so the audit trail says who cancelled
 * and why (a cancel request itself carries no reason to the workflow).
 */
export interface CancelNote {
  operator: string;
  reason: string;
}

export const statusQuery = defineQuery<TransactionStatusView>('status');
export const retryTransferSignal = defineSignal<[RetryTransferRequest?]>('retryTransfer');
export const resolveSignal = defineSignal<[ResolveDecision]>('resolve');
/** From the internal_transfer.* webhooks (contract §2). */
export const cancelNoteSignal = defineSignal<[CancelNote]>('cancelNote');
export const transferUpdateSignal = defineSignal<[TransferUpdate]>('transferUpdate');

export interface ReleaseReservationInput {
  paymentCodeId: string;
  eventId: string;
  occurredAt: string;
  settings: Pick<TransactionSettings, 'auditShards' | 'auditBatchSize' | 'auditFlushMs'>;
}

// ---- audit ----

export interface AuditEvent {
  /** Deterministic: the same state change always yields the same id. */
  id: string;
  entityType: 'transaction' | 'payment_code' | 'ticket';
  entityId: string;
  sequence: number;
  action: string;
  actor: string;
  companyId: string | null;
  before: unknown;
  after: unknown;
  occurredAt: string;
}

export interface AuditBatcherInput {
  shard: number;
  batchSize: number;
  flushMs: number;
  /** Events carried over a continue-as-new, not yet written. */
  pending?: AuditEvent[];
  totalFlushed?: number;
  flushes?: number;
  lastFlushAt?: string | null;
  /** Events a batcher run takes before it continues as new, whatever the server suggests. */
  maxEventsPerRun?: number;
}

export interface AuditBatcherStats {
  shard: number;
  buffered: number;
  totalFlushed: number;
  flushes: number;
  lastFlushAt: string | null;
  eventsThisRun: number;
}

export const auditEventsSignal = defineSignal<[AuditEvent[]]>('auditEvents');
export const batcherStatsQuery = defineQuery<AuditBatcherStats>('stats');

// ---- search attributes (registered on the dev server by temporal/devServer.ts) ----

export const SEARCH_ATTRIBUTES = {
  TransactionStatus: 'Keyword',
  CompanyId: 'Keyword',
  AttentionReason: 'Keyword',
  AmountMinor: 'Int',
} as const;
