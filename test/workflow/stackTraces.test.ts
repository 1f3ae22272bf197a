/**
 * Workflow stack traces (TEMPORAL_WORKFLOW_STACK_TRACES): off by default, because the SDK's
 * promise hook behind them costs about a seventh of a worker process's CPU per payment. The switch
 * reaches into how the SDK creates its workflow threads, so these tests fail if an SDK
 * upgrade changes that: the default would silently cost the CPU again.
 */
import { loadConfig } from '../../config';
import { setWorkflowStackTraces } from '../../workers/workflowStackTraces';
import { callsWhen, gate, startTransaction, stubActivities, transactionInput, type TransactionHandle } from './support/transaction';
import { useWorkflowTesting, type WorkerScope } from './support/workflowWorkers';

const { withWorkers } = useWorkflowTesting();

/** Runs `test` against a transaction held at its transfer, so its workflow is open to queries. */
async function withTransactionAtTransfer(test: (handle: TransactionHandle) => Promise<void>): Promise<void> {
  const transfer = gate<never>();
  const { activities, calls } = stubActivities({ requestTransfer: () => transfer.promise });
  await withWorkers(activities, async (scope: WorkerScope) => {
    const handle = await startTransaction(scope, transactionInput());
    await callsWhen(calls, 'requestTransfer');
    try {
      await test(handle);
    } finally {
      transfer.fail(new Error('test finished'));
    }
  });
}

afterAll(() => setWorkflowStackTraces(true));

it('is off unless TEMPORAL_WORKFLOW_STACK_TRACES says otherwise', () => {
  expect(loadConfig({}).temporal.workflowStackTraces).toBe(false);
  expect(loadConfig({ TEMPORAL_WORKFLOW_STACK_TRACES: 'true' }).temporal.workflowStackTraces).toBe(true);
  expect(() => loadConfig({ TEMPORAL_WORKFLOW_STACK_TRACES: 'sometimes' })).toThrow(/TEMPORAL_WORKFLOW_STACK_TRACES/);
});

it('off: the workflow threads record no stacks, and the stack-trace query says so', async () => {
  setWorkflowStackTraces(false);
  await withTransactionAtTransfer(async (handle) => {
    await expect(handle.query<string>('__stack_trace')).rejects.toThrow(/stack traces are not enabled/);
  });
});

it('on: the stack-trace query shows where the workflow waits', async () => {
  setWorkflowStackTraces(true);
  await withTransactionAtTransfer(async (handle) => {
    expect(await handle.query<string>('__stack_trace')).toMatch(/transferNet|TransferRounds/);
  });
});
