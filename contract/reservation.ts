import type { AuditSettings } from './transaction';

export interface ReleaseReservationInput {
  paymentCodeId: string;
  eventId: string;
  occurredAt: string;
  settings: AuditSettings;
}

export interface ReleaseReservationResult {
  outcome: 'released' | 'already_paid' | 'already_released' | 'unknown_payment_code';
  ticketId: string | null;
  companyId: string | null;
}
