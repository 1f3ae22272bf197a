import type { FareflowActivities } from '../contract';
import { createAuditActivities, insertAuditTrail } from './audit';
import type { ActivityDeps } from './deps';
import { createPaymentActivities } from './payments';
import { createStallSweepActivities } from './stallSweep';
import { createTransferActivities } from './transfers';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps): FareflowActivities {
  const audit = createAuditActivities(deps);
  const handOver = deps.auditTrailHandOver === 'batcher' ? audit.publishAuditEvents : insertAuditTrail(deps, audit.publishAuditEvents);
  return {
    ...createPaymentActivities(deps, handOver),
    ...createTransferActivities(deps),
    ...createStallSweepActivities(deps),
    ...audit,
  };
}

export type Activities = FareflowActivities;
