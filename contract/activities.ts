/**
 * The activities workflows call, by name and signature. Workflows proxy narrow slices of
 * these interfaces; `activities/` implements them. Neither side imports the other.
 */
import type { AuditDeadLetter, AuditEvent } from './audit';
import type { Money } from './money';
import type { ReleaseReservationResult, ReservationToRelease } from './reservation';
import type { AttentionReason, MonimeTransferStatus, TransactionFacts, TransactionStatus, TransferStatus } from './transaction';

export interface ApplyPaymentInput {
  transactionId: string;
  workflowId: string;
  eventId: string;
  paymentCodeId: string;
  amount: Money;
}

/**
 * `settled`: the payment was completed, cancelled or rejected, or money already moved for it —
 * found by a second run for the same payment (after Temporal's retention forgot the first);
 * nothing more may happen to it. `transferRound`: the round the database last recorded, where
 * a new run resumes instead of asking MoniMe again under an older round's key.
 */
export type ApplyPaymentResult = TransactionFacts & { outcome: 'applied' | 'needs_attention' | 'settled'; transferRound?: number | null };

export type AcceptOutcome = { accepted: true; facts: TransactionFacts } | { accepted: false; refusal: string };

/** `applied: false`: the move is not allowed from the status the row has (domain/transactionStatus.ts). */
export interface StatusChange {
  applied: boolean;
  current: TransactionStatus | null;
}

export interface SetTransactionStatusInput {
  transactionId: string;
  status: TransactionStatus;
  reason: AttentionReason | null;
  resolution?: Record<string, unknown>;
  /**
   * Audit events to hand to their batcher once the status is written: the last status write of
   * a payment carries its trail, so the workflow needs no signal, nor a workflow task to learn
   * that the signal was delivered.
   */
  audit?: PublishAuditEventsInput;
}

/** The ticket a closed transaction gave back, and its status before, for the audit trail. */
export interface ReleasedTicket {
  ticketId: string | null;
  before: string | null;
}

export interface PaymentActivities {
  applyPayment(input: ApplyPaymentInput): Promise<ApplyPaymentResult>;
  acceptPayment(transactionId: string): Promise<AcceptOutcome>;
  setTransactionStatus(input: SetTransactionStatusInput): Promise<StatusChange>;
  releaseTicketOfTransaction(transactionId: string): Promise<ReleasedTicket>;
  /** A code id (string) releases that code's reservation; `{ticketId, paymentCodeId}` the ticket's (its deadline). */
  releaseReservation(target: ReservationToRelease): Promise<ReleaseReservationResult>;
}

export interface RequestTransferInput {
  transactionId: string;
  /** 0 for the first transfer; a later round only after MoniMe reported the earlier one failed. */
  round: number;
  net: Money;
  destinationAccountId: string;
  /**
   * TRANSFER_GIVE_UP_AFTER_MINUTES, counted from the round's first attempt: retrying calls stop
   * once it has passed. Absent in workflows started before it was passed here (they give up by
   * their activity's scheduleToClose instead).
   */
  giveUpAfterMinutes?: number;
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
  /**
   * One multi-row insert, idempotent on the event id. Throws a non-retryable
   * `AUDIT_EVENT_REFUSED` failure when PostgreSQL refuses the data; anything else is retried.
   */
  writeAuditBatch(events: AuditEvent[]): Promise<number>;
  /** Sets events aside in audit_dead_letters, idempotent on the event id. */
  recordAuditDeadLetters(letters: AuditDeadLetter[]): Promise<number>;
}

/** One sweep of a task queue's transactions for stalls (the stall sweeper's Schedule starts it). */
export interface StallSweepInput {
  /** The main task queue whose transactions are swept. */
  taskQueue: string;
  /** STALL_TIMEOUT_SECONDS of the worker that created the Schedule. */
  stallTimeoutSeconds: number;
}

export interface StallSweepResult {
  /** Transactions visibility showed `processing` past the stall timeout. */
  found: number;
  /** Of those, signalled `stallDetected` (the others had made their stall check, or closed meanwhile). */
  signalled: number;
  /** Signals that failed; the next sweep finds those transactions again. */
  failed: number;
}

export interface StallSweepActivities {
  /** Lists stalled transactions through visibility and signals each that still waits for it. */
  signalStalledTransactions(input: StallSweepInput): Promise<StallSweepResult>;
}

export type FareflowActivities = PaymentActivities & TransferActivities & AuditActivities & StallSweepActivities;
