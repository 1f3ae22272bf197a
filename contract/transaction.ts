import type { Money } from './money';
import type { OperatorDecisionRecord } from './operator';

/** Contract §3: the statuses a transaction shows to the outside world. */
export type TransactionStatus = 'processing' | 'completed' | 'needs_attention' | 'cancelled';

export type TicketStatus = 'reserved' | 'issued' | 'expired' | 'cancelled';

/**
 * A payment code's status in fareflow's own records (`payment_codes.status`, shown in
 * `GET /api/tickets/:id`). Not MoniMe's status of the code (monime/types.ts), which knows
 * `processing` too.
 */
export type PaymentCodeStatus = 'pending' | 'completed' | 'expired' | 'cancelled';

/** Why a payment could not be applied, or a transaction stopped; shown to operators. */
export type AttentionReason =
  | 'unknown_payment_code'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'payment_code_expired'
  | 'payment_code_already_used'
  | 'transfer_failed'
  | 'stalled';

/** Where a transaction's workflow is; finer than its status, for operators. */
export type TransactionStage =
  'received' | 'applying' | 'awaiting_operator' | 'transferring' | 'awaiting_transfer' | 'completed' | 'rejected' | 'cancelled';

/**
 * What MoniMe says of an internal transfer (contract §5). A tuple, not only a type, so the
 * webhook schema and the signal check validate against this very list.
 */
export const monimeTransferStatuses = ['pending', 'processing', 'completed', 'failed'] as const;
export type MonimeTransferStatus = (typeof monimeTransferStatuses)[number];

/** Ours: `requested` is written before MoniMe is called, so a crash leaves a trace. */
export type TransferStatus = 'requested' | MonimeTransferStatus;

/**
 * How a transaction learns it has stalled (workflows/transaction/stallWatch.ts): `timer`, a
 * timer of its own armed at start; `sweeper`, the `stallDetected` signal of the stall
 * sweeper (workflows/sweepStalledTransactions.ts), which finds stalled transactions by a
 * visibility query, so a payment carries no timer.
 */
export type StallWatchMode = 'timer' | 'sweeper';

/** Per-deployment settings a transaction runs with, fixed at its start. */
export interface TransactionSettings {
  /** A transaction not completed within this becomes needs_attention/stalled. */
  stallTimeoutSeconds: number;
  /**
   * Absent (every history recorded before the sweeper): `timer`. The API starts new
   * transactions with `sweeper`. Read from the input, never asked of `patched()`: see stallWatch.ts.
   */
  stallWatch?: StallWatchMode;
  /**
   * The happy-path shape the starting API knows every worker runs: 2, the two-task shape
   * (TWO_TASK_HAPPY_PATH_PATCH's). A run that carries it takes that shape without asking
   * `patched()`, so it records no patch marker and no TemporalChangeVersion upsert: two
   * history events and a visibility write less in every payment. Absent (every history
   * recorded before it): the patch decides, as it did when they were recorded.
   */
  shape?: 2;
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

export type AuditSettings = Pick<TransactionSettings, 'auditShards' | 'auditBatchSize' | 'auditFlushMs'>;

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

/** What the database knows of a transaction once its payment was weighed. */
export interface TransactionFacts {
  transactionId: string;
  status: TransactionStatus;
  reason: AttentionReason | null;
  ticketId: string | null;
  companyId: string | null;
  commission: number | null;
  net: number | null;
  destinationAccountId: string | null;
  /** The price the payment code asked for: what an operator weighs a mismatch against. */
  expectedAmount: Money | null;
}

/** From the internal_transfer.* webhooks. */
export interface TransferUpdate {
  transferId: string;
  status: MonimeTransferStatus;
  failureReason?: string | null;
  eventId?: string;
}

/** The answer of the `stallWatch` query: what the stall sweeper asks before it signals. */
export interface StallWatchView {
  /** True while a `stallDetected` signal would still be acted on: sweeper mode, not yet checked once. */
  awaitsSignal: boolean;
  /** From when a `stallDetected` signal counts (run start + stallTimeoutSeconds), ISO; earlier ones are ignored. */
  dueAt: string;
}

/** The answer of the `status` query. */
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
    status: TransferStatus;
    idempotencyKey: string | null;
    round: number;
  } | null;
  attempts: number;
  lastError: string | null;
  decisions: OperatorDecisionRecord[];
  cancelRefusedReason: string | null;
}
