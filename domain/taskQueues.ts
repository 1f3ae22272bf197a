/** Transfers get their own queue so that one server-side rate limit covers every worker. */
export const transferTaskQueueFor = (taskQueue: string) => `${taskQueue}-transfers`;

/** Batcher ids carry the task queue so that separate deployments on one namespace never share a batcher. */
export const auditBatcherWorkflowId = (taskQueue: string, shard: number) => `audit-batcher-${taskQueue}-${shard}`;
