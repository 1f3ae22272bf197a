/** What an operator can do to a transaction: the signals, and Temporal's cancel. */
export type OperatorActionKind = 'resolve' | 'retryTransfer' | 'cancel';

/** An operator's answer to a payment awaiting them; listed so the workflow can check a signal against it. */
export const resolveDecisions = ['accept', 'reject'] as const;

export interface ResolveDecision {
  decision: (typeof resolveDecisions)[number];
  note: string;
  operator: string;
}

export interface RetryTransferRequest {
  operator?: string;
  note?: string;
}

/**
 * Sent by the ops CLI just before a Temporal cancel, so the audit trail says who cancelled
 * and why (a cancel request itself carries no reason to the workflow).
 */
export interface CancelNote {
  operator: string;
  reason: string;
}

/** One operator message and what became of it, as the workflow shows and audits it. */
export type OperatorDecisionRecord = {
  kind: OperatorActionKind;
  decision?: string;
  note?: string;
  operator?: string;
  at: string;
  outcome: string;
};
