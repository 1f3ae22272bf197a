// The workflow bundle's entry point: every workflow type the workers run, under the names
// clients start them by (contract/workflows.ts).
import type { FareflowWorkflows } from '../contract';
import { auditBatcher } from './auditBatcher';
import { releaseReservation } from './releaseReservation';
import { sweepStalledTransactions } from './sweepStalledTransactions';
import { processTransaction } from './transaction/processTransaction';

export { auditBatcher, processTransaction, releaseReservation, sweepStalledTransactions };

/** Fails the build when a workflow's name or signature drifts from what clients start. */
type Implements<T extends FareflowWorkflows> = T;
export type ImplementedWorkflows = Implements<{
  auditBatcher: typeof auditBatcher;
  processTransaction: typeof processTransaction;
  releaseReservation: typeof releaseReservation;
  sweepStalledTransactions: typeof sweepStalledTransactions;
}>;
