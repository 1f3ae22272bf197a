import type { FareflowActivities } from '../contract';
import { createAuditActivities } from './audit';
import type { ActivityDeps } from './deps';
import { createPaymentActivities } from './payments';
import { createTransferActivities } from './transfers';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps): FareflowActivities {
  return {
    ...createPaymentActivities(deps),
    ...createTransferActivities(deps),
    ...createAuditActivities(deps),
  };
}

export type Activities = FareflowActivities;
