/**
 * The cancel policy: may an operator's cancel, or reject, be honoured now, and if not, why not.
 * Only the decisions live here, as pure functions of what the transaction knows; the inbox
 * (inbox.ts) keeps the mechanics — handlers, the message queue, answering a refusal — and
 * the process (processTransaction.ts, transferRounds.ts, unappliedPayment.ts) asks here at
 * its waiting points.
 *
 * A cancel is Temporal's cancel request (who asked and why comes with the ops CLI's
 * `cancelNote`); a reject is an operator's `resolve` with decision `reject`, heard only while
 * the transaction waits for an operator (inbox.ts). Honouring either closes the transaction
 * without a transfer: the seat is released and the status becomes `cancelled` (stage
 * `cancelled`, or `rejected` with a refund due). The rule is one: honoured while no money
 * can have moved, refused with a reason once it may have.
 *
 * - Before any transfer is requested — the payment applied or accepted, or still waiting for
 *   an operator to accept or reject it — a cancel or a reject is honoured.
 * - From the first transfer request until the transfer rounds end (MoniMe confirmed the
 *   transfer, or an operator closed the transaction), a cancel is refused: "the transfer to
 *   the company is under way or done; resolve it instead". A cancel that comes once the
 *   transaction is settled — its completion being written, or found settled by an earlier
 *   run — is not answered: the transaction ends as it was settled.
 * - Once a transfer failed and the transaction waits for an operator (needs_attention,
 *   transfer_failed), that operator wait decides a cancel, as it decides a reject: one
 *   decision, one audit event. Runs recorded before CANCEL_DECIDED_BY_OPERATOR_WAIT_PATCH
 *   refused such a cancel at once, with the reason above (inbox.ts asks the patch).
 * - In that wait, a cancel or a reject is refused while a transfer request may have reached
 *   MoniMe without MoniMe answering `failed`: "a transfer may have reached MoniMe;
 *   retryTransfer first to learn its outcome". Otherwise it is honoured.
 * - A refused cancel is answered once, with its reason in the status view
 *   (`cancelRefusedReason`) and the audit trail, and is not kept pending for later; a refused
 *   reject is answered in the operator's decision.
 * - The run ends CANCELLED in Temporal only when the cancel request stands (it was not
 *   refused) and the transaction ended cancelled — by that cancel, or found cancelled by an
 *   earlier run. Otherwise, a refused cancel included, it ends COMPLETED with the transaction's
 *   view (runs recorded before FINISH_OUTSIDE_CANCELLED_SCOPE_PATCH may end CANCELLED after
 *   a refused cancel: processTransaction.ts).
 */
import type { TransactionStage, TransactionStatusView } from '../../contract';

/** What the policy answers a cancel or a reject: honour it, or refuse it and say why. */
export type Verdict = { honour: true } | { honour: false; reason: string };

/** Where the transaction stands when a cancel or a reject is to be decided. */
export type CloseMoment =
  /** The payment could not be applied and waits for an operator to accept or reject it. */
  | { stage: 'payment_unapplied' }
  /** The payment is applied (or accepted); no transfer has been requested yet. */
  | { stage: 'before_transfer' }
  /** A transfer round runs, or MoniMe confirmed the transfer. */
  | { stage: 'transferring' }
  /**
   * A transfer failed and an operator is asked. `transferMayExist`: a request of the round
   * may have reached MoniMe, and MoniMe has not answered `failed` for its key.
   */
  | { stage: 'operator_wait_after_failed_transfer'; transferMayExist: boolean };

export const TRANSFER_UNDER_WAY = 'the transfer to the company is under way or done; resolve it instead';
export const TRANSFER_MAY_EXIST = 'a transfer may have reached MoniMe; retryTransfer first to learn its outcome';
/** The outcome audited for an honoured reject. */
export const REJECTED_OUTCOME = 'rejected: refund due, no transfer';

const HONOUR: Verdict = Object.freeze({ honour: true });
const refuse = (reason: string): Verdict => ({ honour: false, reason });

/** May a cancel or a reject close the transaction without a transfer now? */
export function mayCloseWithoutTransfer(moment: CloseMoment): Verdict {
  switch (moment.stage) {
    case 'payment_unapplied':
    case 'before_transfer':
      return HONOUR;
    case 'transferring':
      return refuse(TRANSFER_UNDER_WAY);
    case 'operator_wait_after_failed_transfer':
      return moment.transferMayExist ? refuse(TRANSFER_MAY_EXIST) : HONOUR;
  }
}

/**
 * During the transfer rounds: is a cancel left to the operator wait after a failed transfer
 * (true from the moment the status says so), rather than refused at once?
 */
export function cancelLeftToOperatorWait(view: Pick<TransactionStatusView, 'status' | 'reason'>): boolean {
  return view.status === 'needs_attention' && view.reason === 'transfer_failed';
}

/**
 * Does the run end CANCELLED? `cancelStands`: a cancel was requested and not refused;
 * `stage`: where the transaction ended.
 */
export function runEndsCancelled(facts: { cancelStands: boolean; stage: TransactionStage }): boolean {
  return facts.cancelStands && facts.stage === 'cancelled';
}
