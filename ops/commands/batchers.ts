import { auditBatcherWorkflowId, batcherStatsQuery } from '../../contract';
import type { OpsContext } from '../context';
import { print, table } from '../format';

export async function showBatchers(ctx: OpsContext, opts: { json?: boolean }): Promise<void> {
  const { taskQueue } = ctx.config.temporal;
  const rows = await Promise.all(
    Array.from({ length: ctx.config.audit.shards }, async (_, shard) => {
      const workflowId = auditBatcherWorkflowId(taskQueue, shard);
      try {
        return { workflowId, running: true, ...(await ctx.client.workflow.getHandle(workflowId).query(batcherStatsQuery)) };
      } catch {
        return {
          workflowId,
          shard,
          running: false,
          buffered: null,
          totalFlushed: null,
          flushes: null,
          lastFlushAt: null,
          eventsThisRun: null,
        };
      }
    }),
  );
  print(!!opts.json, rows, () => table(rows, ['shard', 'running', 'buffered', 'totalFlushed', 'flushes', 'lastFlushAt', 'eventsThisRun']));
}
