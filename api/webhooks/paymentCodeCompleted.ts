import type { Context } from 'koa';
import { paymentPreCheck } from '../../db/queries/apiReads';
import {
  AmountMinorKey,
  CompanyIdKey,
  TransactionStatusKey,
  workflowIdForTransaction,
  workflowTypes,
  type ProcessTransactionInput,
} from '../../contract';
import { HttpError } from '../errors';
import { addLogFields } from '../logFields';
import { transactionSettings, type WebhookDeps, type WebhookResult } from './context';
import { describeIssue, paymentCodeCompletedData, type Envelope } from './schemas';
import { startWorkflowOnce } from './temporalCalls';

/**
 * Starts `transaction-<paymentId>` once, ever: Temporal rejects a second start while it
 * remembers the id, and the database remembers after Temporal's retention has forgotten.
 */
export async function handlePaymentCodeCompleted(ctx: Context, envelope: Envelope, deps: WebhookDeps): Promise<WebhookResult> {
  const parsed = paymentCodeCompletedData.safeParse(envelope.data);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error, 'data'));
  const { id: paymentCodeId, processedPaymentData } = parsed.data;
  const transactionId = processedPaymentData.paymentId;
  const workflowId = workflowIdForTransaction(transactionId);
  addLogFields(ctx, { workflowId, transactionId });

  // The database only remembers payments whose workflows Temporal may have forgotten; when
  // it cannot answer, Temporal's own duplicate check still holds within retention, and the
  // workflow would find the row anyway: better to record the payment than to refuse it.
  const { known, companyId } = await paymentPreCheck(deps.db, transactionId, paymentCodeId).catch((error: Error) => {
    ctx.state.log?.warn({ err: error }, 'duplicate pre-check failed; relying on Temporal');
    return { known: false, companyId: null };
  });
  if (known) return { status: 'duplicate', workflowId };

  const input: ProcessTransactionInput = {
    transactionId,
    paymentCodeId,
    amount: processedPaymentData.amount,
    eventId: envelope.event.id,
    paidAt: envelope.event.timestamp,
    settings: transactionSettings(deps.config),
  };
  // The memo lets GET /api/transactions/:id describe the payment before its row exists,
  // without asking a worker. Search attributes known now are set at start: the workflow
  // changes them only when their value changes (one history event less each).
  const status = await startWorkflowOnce(deps, workflowTypes.processTransaction, {
    workflowId,
    args: [input],
    typedSearchAttributes: [
      { key: TransactionStatusKey, value: 'processing' },
      { key: AmountMinorKey, value: processedPaymentData.amount.value },
      ...(companyId ? [{ key: CompanyIdKey, value: companyId }] : []),
    ],
    memo: { amount: processedPaymentData.amount, paymentCodeId },
  });
  return { status, workflowId };
}
