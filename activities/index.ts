import type { FareflowActivities } from '../contract';
import { createAuditActivities } from './audit';
import type { ActivityDeps } from './deps';
import { createPaymentActivities } from './payments';
import { createTransferActivities } from './transfers';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps): FareflowActivities {
  const audit = createAuditActivities(deps);
  return {
    ...createPaymentActivities(deps, audit),
    ...createTransferActivities(deps),
    ...audit,
  };
}

export type Activities = FareflowActivities;
