import { proxyActivities } from '@temporalio/workflow';
import type { PaymentActivities, ReleaseReservationInput, ReleaseReservationResult } from '../contract';
import { AuditTrail } from './auditTrail';
import { DATABASE_RETRY } from './retryPolicies';

const { releaseReservation: releaseInDatabase } = proxyActivities<Pick<PaymentActivities, 'releaseReservation'>>({
  startToCloseTimeout: '30 seconds',
  retry: DATABASE_RETRY,
});

/** payment_code.expired: the seat goes back on sale unless the customer already paid. */
export async function releaseReservation(input: ReleaseReservationInput): Promise<ReleaseReservationResult> {
  const result = await releaseInDatabase(input.paymentCodeId);
  const audit = new AuditTrail('payment_code', input.paymentCodeId, input.settings);
  audit.record(`expiry_${result.outcome}`, {
    actor: 'monime',
    companyId: result.companyId,
    before: result.outcome === 'released' ? { code: 'pending', ticket: 'reserved' } : null,
    after: { ...result, eventId: input.eventId, occurredAt: input.occurredAt },
  });
  await audit.delivered();
  return result;
}
