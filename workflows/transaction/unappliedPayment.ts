/**
 * A payment that could not be applied as it came (unknown code, amount or currency
 * mismatch, code used or expired) waits for an operator: accept it as paid, or reject it
 * for a refund. Until one of those succeeds, every other message is answered and ignored. A
 * cancel or a reject is always honoured here, as the cancel policy's first rule says
 * (cancelPolicy.ts): nothing can have moved.
 */
import type { DatabaseActivities } from './activities';
import { REJECTED_OUTCOME } from './cancelPolicy';
import type { TransactionInbox } from './inbox';
import type { TransactionState } from './state';

export async function resolveUnappliedPayment(
  state: TransactionState,
  inbox: TransactionInbox,
  db: Pick<DatabaseActivities, 'acceptPayment'>,
): Promise<'accepted' | 'closed'> {
  for (;;) {
    const message = await inbox.nextOperatorMessage();
    if (message === 'cancel') {
      await state.closeWithoutTransfer('cancel', inbox.cancelledBy());
      return 'closed';
    }
    if (message.kind === 'retryTransfer') {
      inbox.decide({ kind: 'retryTransfer', ...message.request, outcome: 'ignored: no transfer to retry, the payment is not applied' });
      continue;
    }
    const { decision } = message;
    if (decision.decision === 'reject') {
      inbox.decide({ kind: 'resolve', ...decision, outcome: REJECTED_OUTCOME });
      await state.closeWithoutTransfer('reject', decision);
      return 'closed';
    }
    const accepted = await db.acceptPayment(state.transactionId);
    if (!accepted.accepted) {
      inbox.decide({ kind: 'resolve', ...decision, outcome: `refused: ${accepted.refusal}` });
      continue;
    }
    state.adopt(accepted.facts);
    inbox.decide({ kind: 'resolve', ...decision, outcome: 'accepted: ticket issued for the amount paid' });
    inbox.answerQueuedMessages('already accepted');
    await state.publish('processing', null, { decision: 'accept', note: decision.note, operator: decision.operator });
    return 'accepted';
  }
}
