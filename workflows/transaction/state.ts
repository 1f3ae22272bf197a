/**
 * What a transaction knows and shows: the `status` query's view, and the one way a state
 * change is made — view, search attributes and database row move together, and are audited.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import {
  AmountMinorKey,
  AttentionReasonKey,
  CompanyIdKey,
  TransactionStatusKey,
  type AttentionReason,
  type ProcessTransactionInput,
  type TransactionFacts,
  type TransactionStage,
  type TransactionStatus,
  type TransactionStatusView,
} from '../../contract';
import type { AuditTrail } from '../auditTrail';
import type { DatabaseActivities } from './activities';
import { upsertChangedSearchAttributes, type SearchAttributeUpdatePair } from './searchAttributes';

/** The actor named in the audit trail for the workflow's own decisions. */
export const SYSTEM_ACTOR = 'fareflow';

export interface ClosedBy {
  operator: string;
  note: string;
}

export class TransactionState {
  readonly view: TransactionStatusView;
  /** The company's MoniMe account; known once the payment is applied. */
  destinationAccountId: string | null = null;
  /**
   * Counts the times the transaction stopped for an operator; an operator message belongs
   * to the one it was sent in (inbox.ts).
   */
  operatorCase = 0;

  constructor(
    readonly input: ProcessTransactionInput,
    readonly audit: AuditTrail,
    private readonly db: DatabaseActivities,
    /** The two-task shape (patches.ts TWO_TASK_HAPPY_PATH_PATCH); false on histories recorded before it. */
    readonly compact = false,
  ) {
    this.view = {
      transactionId: input.transactionId,
      status: 'processing',
      stage: 'received',
      reason: null,
      ticketId: null,
      companyId: null,
      amount: input.amount,
      expectedAmount: null,
      commission: null,
      net: null,
      transfer: null,
      attempts: 0,
      lastError: null,
      decisions: [],
      cancelRefusedReason: null,
    };
  }

  get transactionId(): string {
    return this.input.transactionId;
  }

  snapshot(): { status: TransactionStatus; stage: TransactionStage; reason: AttentionReason | null } {
    return { status: this.view.status, stage: this.view.stage, reason: this.view.reason };
  }

  record(action: string, actor: string, before: unknown, after: unknown): void {
    this.audit.record(action, { actor, companyId: this.view.companyId, before, after });
  }

  /** Takes over what the database decided about the payment. */
  adopt(facts: TransactionFacts): void {
    this.view.ticketId = facts.ticketId;
    this.view.expectedAmount = facts.expectedAmount ?? null;
    this.view.companyId = facts.companyId;
    this.view.commission = facts.commission;
    this.view.net = facts.net;
    this.destinationAccountId = facts.destinationAccountId;
  }

  /**
   * `handOverAudit`: the status write also publishes the pending audit events (the last write
   * of a payment), so they need no signal of their own.
   */
  async publish(
    status: TransactionStatus,
    reason: AttentionReason | null,
    resolution?: Record<string, unknown>,
    opts: { handOverAudit?: boolean } = {},
  ): Promise<void> {
    this.view.status = status;
    this.view.reason = reason;
    const attributes = [
      { key: TransactionStatusKey, value: status },
      { key: AttentionReasonKey, value: reason },
      { key: AmountMinorKey, value: this.input.amount.value },
      ...(this.view.companyId ? [{ key: CompanyIdKey, value: this.view.companyId }] : []),
    ];
    this.upsertAttributes(attributes);
    const audit = this.compact && opts.handOverAudit ? this.audit.handOver() : undefined;
    const change = await this.db.setTransactionStatus({ transactionId: this.transactionId, status, reason, resolution, audit });
    // Histories recorded before status changes were guarded carry no answer here.
    if (change && !change.applied) this.record('status_change_refused', SYSTEM_ACTOR, { status: change.current }, { status, reason });
  }

  /** On the two-task shape only values that change are upserted; before it, every upsert as its histories recorded it. */
  upsertAttributes(pairs: SearchAttributeUpdatePair[]): void {
    if (this.compact) upsertChangedSearchAttributes(pairs);
    else if (pairs.length > 0) upsertSearchAttributes(pairs);
  }

  async needsAttention(reason: AttentionReason, detail?: unknown): Promise<void> {
    if (reason !== 'stalled') this.operatorCase += 1;
    const before = this.snapshot();
    await this.publish('needs_attention', reason);
    this.record('needs_attention', SYSTEM_ACTOR, before, { ...this.snapshot(), detail: detail ?? null });
  }

  /** Ends the transaction without moving money: the seat is released, the reason audited. */
  async closeWithoutTransfer(kind: 'reject' | 'cancel', who: ClosedBy): Promise<void> {
    const before = this.snapshot();
    const released = await this.db.releaseTicketOfTransaction(this.transactionId);
    this.view.stage = kind === 'reject' ? 'rejected' : 'cancelled';
    const resolution = kind === 'reject' ? { decision: 'reject', refundDue: true, ...who } : { decision: 'cancel', ...who };
    await this.publish('cancelled', this.view.reason, resolution);
    this.record(kind === 'reject' ? 'rejected' : 'cancelled', who.operator, before, {
      ...this.snapshot(),
      ticket: released,
      ...resolution,
    });
  }

  isFinished(): boolean {
    const { stage } = this.view;
    return stage === 'completed' || stage === 'cancelled' || stage === 'rejected';
  }
}
