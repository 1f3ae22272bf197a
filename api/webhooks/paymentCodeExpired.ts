import type { Context } from 'koa';
import {
  paymentCodeExpiredSignal,
  workflowIdForExpiredCode,
  workflowIdForReservation,
  workflowTypes,
  type ExpiredCodeInput,
  type PaymentCodeExpiredNotice,
  type ReservationDeadlineInput,
} from '../../contract';
import { HttpError } from '../errors';
import { addLogFields } from '../logFields';
import { auditSettings, type WebhookDeps, type WebhookResult } from './context';
import { describeIssue, paymentCodeExpiredData, ticketIdOfCode, type Envelope } from './schemas';
import { signalWithStartOnce, startWorkflowOnce } from './temporalCalls';

/**
 * Brings the reservation's deadline forward: signal-with-start of `reservation-<ticketId>`
 * (the ticket named by the code's `reference`), which dispatches the delayed workflow at once,
 * or starts it when it does not exist (a reservation made before deadlines existed). Once the
 * release ran, a redelivery finds the workflow closed: 'duplicate'. A code that names no
 * ticket gets the release by code id, as before.
 */
export async function handlePaymentCodeExpired(ctx: Context, envelope: Envelope, deps: WebhookDeps): Promise<WebhookResult> {
  const parsed = paymentCodeExpiredData.safeParse(envelope.data);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error, 'data'));
  const notice: PaymentCodeExpiredNotice = {
    paymentCodeId: parsed.data.id,
    eventId: envelope.event.id,
    occurredAt: envelope.event.timestamp,
  };
  const ticketId = ticketIdOfCode(parsed.data);

  if (ticketId === null) {
    const workflowId = workflowIdForExpiredCode(notice.paymentCodeId);
    addLogFields(ctx, { workflowId });
    const input: ExpiredCodeInput = { ...notice, settings: auditSettings(deps.config) };
    return { status: await startWorkflowOnce(deps, workflowTypes.releaseReservation, { workflowId, args: [input] }), workflowId };
  }

  const workflowId = workflowIdForReservation(ticketId);
  addLogFields(ctx, { workflowId });
  // Only used when no deadline runs: then the code's expiry is the deadline.
  const input: ReservationDeadlineInput = { ticketId, deadline: notice.occurredAt, settings: auditSettings(deps.config) };
  const status = await signalWithStartOnce(deps, workflowTypes.releaseReservation, {
    workflowId,
    args: [input],
    signal: paymentCodeExpiredSignal,
    signalArgs: [notice],
  });
  return { status, workflowId };
}
