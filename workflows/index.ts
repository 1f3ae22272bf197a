// The workflow bundle's entry point: every workflow type the workers run.
export { processTransaction } from './processTransaction';
export { releaseReservation } from './releaseReservation';
export { auditBatcher } from './auditBatcher';
