import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

/** The typed form of upsertSearchAttributes' argument. */
export type SearchAttributeUpdatePair = Extract<Parameters<typeof upsertSearchAttributes>[0], unknown[]>[number];

/**
 * Upserts only the attributes whose value differs from what the workflow already has (set at
 * start by the API, or by an earlier upsert): each upsert is a history event and a visibility
 * write, and most of them would write what is already there.
 */
export function upsertChangedSearchAttributes(pairs: SearchAttributeUpdatePair[]): void {
  const current = workflowInfo().typedSearchAttributes;
  const changed = pairs.filter((pair) => (current.get(pair.key) ?? null) !== (pair.value ?? null));
  if (changed.length > 0) upsertSearchAttributes(changed);
}
