/**
 * The activities workflows call, by name and signature. Workflows proxy narrow slices of
 * these interfaces; `activities/` implements them. Neither side imports the other.
 */
import type { AuditEvent } from './audit';
import type { Money } from './money';
import type { ReleaseReservationResult } from './reservation';
import type { AttentionReason, MonimeTransferStatus, TransactionFacts, TransactionStatus, TransferStatus } from './transaction';

export interface ApplyPaymentInput {
  transactionId: string;
  workflowId: string;
  eventId: string;
  paymentCodeId: string;
  amount: Money;
}

export type ApplyPaymentResult = TransactionFacts & { outcome: 'applied' | 'needs_attention' };

export type AcceptOutcome = { accepted: true; facts: TransactionFacts } | { accepted: false; refusal: string };

export interface SetTransactionStatusInput {
  transactionId: string;
  status: TransactionStatus;
  reason: AttentionReason | null;
  resolution?: Record<string, unknown>;
}

/** The ticket a closed transaction gave back, and its status before, for the audit trail. */
export interface ReleasedTicket {
  ticketId: string | null;
  before: string | null;
}

export interface PaymentActivities {
  applyPayment(input: ApplyPaymentInput): Promise<ApplyPaymentResult>;
  acceptPayment(transactionId: string): Promise<AcceptOutcome>;
  setTransactionStatus(input: SetTransactionStatusInput): Promise<void>;
  releaseTicketOfTransaction(transactionId: string): Promise<ReleasedTicket>;
  releaseReservation(paymentCodeId: string): Promise<ReleaseReservationResult>;
}

export interface RequestTransferInput {
  transactionId: string;
  /** 0 for the first transfer; a later round only after MoniMe reported the earlier one failed. */
  round: number;
  net: Money;
  destinationAccountId: string;
}

export interface TransferState {
  transferId: string | null;
  status: TransferStatus;
  failureReason: string | null;
  idempotencyKey: string;
}

export interface CheckTransferInput {
  transactionId: string;
  round: number;
  transferId: string;
}

export interface TransferUpdateRecord {
  transactionId: string;
  round: number;
  transferId: string;
  status: MonimeTransferStatus;
  failureReason: string | null;
}

export interface TransferActivities {
  /** Moves `net` to the company under the transaction's idempotency key. */
  requestTransfer(input: RequestTransferInput): Promise<TransferState>;
  /** The polling fallback when no internal_transfer.* webhook arrives. */
  checkTransfer(input: CheckTransferInput): Promise<TransferState>;
  /** Stores what an internal_transfer.* webhook said. */
  recordTransferUpdate(input: TransferUpdateRecord): Promise<void>;
}

export interface PublishAuditEventsInput {
  events: AuditEvent[];
  shards: number;
  batchSize: number;
  flushMs: number;
}

export interface AuditActivities {
  /** Signal-with-start of the shard's batcher, for when the direct signal found none. */
  publishAuditEvents(input: PublishAuditEventsInput): Promise<void>;
  writeAuditBatch(events: AuditEvent[]): Promise<number>;
}

export type FareflowActivities = PaymentActivities & TransferActivities & AuditActivities;
