/**
 * Issue 12: the Temporal work of one happy-path payment, counted from its history. Each event
 * is a write to Temporal's persistence; the budget fails this test when a change adds any.
 * Started as the API starts it: TransactionStatus, AmountMinor and CompanyId set at start, and
 * the API's settings (the stall watch by the sweeper, so no timer).
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { transactionSettings } from '../../api/webhooks/context';
import { loadConfig } from '../../config';
import {
  AmountMinorKey,
  CompanyIdKey,
  TransactionStatusKey,
  workflowIdForTransaction,
  workflowTypes,
  type ProcessTransactionWorkflow,
} from '../../contract';
import { PAID, stubActivities, transactionInput } from './support/transaction';
import { useWorkflowTesting } from './support/workflowWorkers';

/**
 * 24 before the two-task shape (three workflow tasks, four upserts, a signal to the audit
 * batcher and its confirmation); 17 with it; 16 once the stall sweeper replaced the stall
 * timer; 14 now that the API's input says the shape (settings.shape), so no patch marker and
 * no TemporalChangeVersion upsert: started, 2 × 3 workflow-task events, the transfer's 3,
 * 2 local-activity markers, the status upsert, completed.
 */
const EVENT_BUDGET = 14;

const { withWorkers } = useWorkflowTesting();

it(`a happy-path payment takes two workflow tasks and at most ${EVENT_BUDGET} history events`, async () => {
  const { activities, calls } = stubActivities();
  const { stallWatch, shape } = transactionSettings(loadConfig({}));
  expect(stallWatch).toBe('sweeper');
  expect(shape).toBe(2);
  const input = transactionInput({ stallWatch, shape });
  await withWorkers(activities, async (scope) => {
    const handle = scope.track(
      await scope.client.workflow.start<ProcessTransactionWorkflow>(workflowTypes.processTransaction, {
        taskQueue: scope.taskQueue,
        workflowId: workflowIdForTransaction(input.transactionId),
        args: [input],
        typedSearchAttributes: [
          { key: TransactionStatusKey, value: 'processing' },
          { key: AmountMinorKey, value: PAID.value },
          { key: CompanyIdKey, value: 'cmp-test' },
        ],
      }),
    );
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    // As the Web UI exports it: event types by name.
    const { events } = JSON.parse(historyToJSON(await handle.fetchHistory())) as {
      events: Array<{
        eventType: string;
        upsertWorkflowSearchAttributesEventAttributes?: { searchAttributes?: { indexedFields?: object } };
      }>;
    };
    const counts: Record<string, number> = {};
    for (const event of events) {
      const type = String(event.eventType).replace('EVENT_TYPE_', '');
      counts[type] = (counts[type] ?? 0) + 1;
    }
    const upserted = events.flatMap((event) =>
      Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
    );
    process.stderr.write(`[history shape] upserted: ${upserted.join(', ')}\n`);
    process.stderr.write(`[history shape] ${events.length} events: ${JSON.stringify(counts)}\n`);

    expect(events.length).toBeLessThanOrEqual(EVENT_BUDGET);
    expect(counts.WORKFLOW_TASK_COMPLETED).toBe(2);
    expect(counts.ACTIVITY_TASK_SCHEDULED).toBe(1); // the transfer; database writes are local
    expect(upserted).toEqual(['TransactionStatus']); // completed; no patch, so no TemporalChangeVersion
    expect(counts.MARKER_RECORDED).toBe(2); // the two local activities, no patch marker
    expect(counts.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED).toBeUndefined();
    expect(counts.TIMER_STARTED).toBeUndefined(); // stalls are found by the sweeper
    // The trail still leaves, whole, with the last status write.
    expect(calls.auditActions()).toEqual(['received', 'applied', 'transfer_requested', 'transfer_completed', 'completed']);
  });
});
