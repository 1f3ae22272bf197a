/**
 * Workflow types by name and signature. Clients start workflows through these
 * (`client.workflow.start<ProcessTransactionWorkflow>(workflowTypes.processTransaction, …)`),
 * so arguments are type-checked without the client importing workflow code.
 */
import type { AuditBatcherInput } from './audit';
import type { ReleaseReservationInput, ReleaseReservationResult } from './reservation';
import type { StallSweepInput, StallSweepResult } from './activities';
import type { ProcessTransactionInput, TransactionStatusView } from './transaction';

export type ProcessTransactionWorkflow = (input: ProcessTransactionInput) => Promise<TransactionStatusView>;
export type ReleaseReservationWorkflow = (input: ReleaseReservationInput) => Promise<ReleaseReservationResult>;
export type AuditBatcherWorkflow = (input: AuditBatcherInput) => Promise<void>;
export type SweepStalledTransactionsWorkflow = (input: StallSweepInput) => Promise<StallSweepResult>;

export interface FareflowWorkflows {
  processTransaction: ProcessTransactionWorkflow;
  releaseReservation: ReleaseReservationWorkflow;
  auditBatcher: AuditBatcherWorkflow;
  sweepStalledTransactions: SweepStalledTransactionsWorkflow;
}

export const workflowTypes: { readonly [K in keyof FareflowWorkflows]: K } = {
  processTransaction: 'processTransaction',
  releaseReservation: 'releaseReservation',
  auditBatcher: 'auditBatcher',
  sweepStalledTransactions: 'sweepStalledTransactions',
};
