import type { Db } from '../../db/pool';
/**
 * The stall sweeper's rules, on fakes: how often it sweeps, what it asks visibility, and whom
 * it signals (activities/stallSweep.ts, workers/stallSweepSchedule.ts).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createStallSweepActivities, STALL_SWEEP_PAGE_SIZE, stalledTransactionsQuery } from '../../activities/stallSweep';
import type { StallWatchView } from '../../contract';
import { createLogger } from '../../observability/logger';
import { stallSweepIntervalSeconds, stallSweepSchedule } from '../../workers/stallSweepSchedule';

describe('sweep interval: a quarter of STALL_TIMEOUT_SECONDS, in whole seconds, within 1–60 s', () => {
  it.each([
    [1, 1],
    [2, 1],
    [4, 1],
    [10, 2],
    [60, 15],
    [239, 59],
    [240, 60],
    [600, 60],
    [86_400, 60],
  ])('%i s → every %i s', (stall, every) => {
    expect(stallSweepIntervalSeconds(stall)).toBe(every);
  });

  it('the Schedule: one per task queue, its interval, overlap SKIP, the sweep bounded', () => {
    const schedule = stallSweepSchedule({ taskQueue: 'fareflow', stallTimeoutSeconds: 600 });
    expect(schedule).toMatchObject({
      scheduleId: 'stall-sweep-fareflow',
      spec: { intervals: [{ every: '60 seconds' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'sweepStalledTransactions',
        taskQueue: 'fareflow',
        args: [{ taskQueue: 'fareflow', stallTimeoutSeconds: 600 }],
        workflowExecutionTimeout: '5 minutes',
      },
      policies: { overlap: 'SKIP' },
    });
  });
});

it('the visibility query: running transactions of this queue still processing, started before now − the stall timeout', () => {
  expect(stalledTransactionsQuery('fareflow', new Date('2026-11-26T00:10:00.000Z'))).toBe(
    "WorkflowType = 'processTransaction' AND ExecutionStatus = 'Running' AND TransactionStatus = 'processing' " +
      "AND TaskQueue = 'fareflow' AND StartTime < '2026-11-26T00:10:00.000Z'",
  );
  expect(stalledTransactionsQuery("it's", new Date(0))).toContain("TaskQueue = 'it\\'s'");
});

describe('the sweep', () => {
  /** A client whose list yields `runs`, answering each run's query as `views` says (an Error is thrown). */
  function fakeClient(runs: string[], views: Record<string, StallWatchView | Error>, signalErrors: Record<string, Error> = {}) {
    const calls: string[] = [];
    const client = {
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      workflow: {
        async *list(options: { query: string; pageSize: number }) {
          calls.push(`list ${options.pageSize}: ${options.query}`);
          for (const workflowId of runs) yield { workflowId, runId: `run-${workflowId}` };
        },
        getHandle: (workflowId: string, runId: string) => ({
          async query() {
            calls.push(`query ${workflowId} ${runId}`);
            const view = views[workflowId];
            if (view instanceof Error) throw view;
            return view;
          },
          async signal(signal: { name: string }) {
            calls.push(`signal ${workflowId} ${signal.name}`);
            if (signalErrors[workflowId]) throw signalErrors[workflowId];
          },
        }),
      },
    };
    return { client: client as unknown as Client, calls };
  }

  /** The database's answer (db/queries/stalls.ts): every listed transaction stalled, but those named here. */
  const fakeDb = (queued: string[] = []) =>
    ({
      query: async (_sql: string, [ids]: [string[]]) => ({ rows: ids.filter((id) => !queued.includes(id)).map((id) => ({ id })) }),
    }) as unknown as Db;

  const due = new Date(Date.now() - 1_000).toISOString();
  const notYet = new Date(Date.now() + 60_000).toISOString();

  it('signals each run that waits for it; skips runs that made their check, are not due, or closed; counts failures', async () => {
    const { client, calls } = fakeClient(
      ['waits', 'checked', 'early', 'gone', 'unanswered', 'closed-since', 'refused'],
      {
        waits: { awaitsSignal: true, dueAt: due },
        checked: { awaitsSignal: false, dueAt: due },
        early: { awaitsSignal: true, dueAt: notYet },
        gone: new WorkflowNotFoundError('not found', 'gone', 'run-gone'),
        unanswered: new Error('query timed out'),
        'closed-since': { awaitsSignal: true, dueAt: due },
        refused: { awaitsSignal: true, dueAt: due },
      },
      { 'closed-since': new WorkflowNotFoundError('completed', 'closed-since', undefined), refused: new Error('unavailable') },
    );
    const { signalStalledTransactions } = createStallSweepActivities({
      db: fakeDb(),
      temporal: client,
      logger: createLogger('silent', 'test'),
    });

    const before = Date.now();
    const result = await signalStalledTransactions({ taskQueue: 'q1', stallTimeoutSeconds: 600 });

    expect(result).toEqual({ found: 7, signalled: 2, failed: 1 });
    const listed = calls[0].match(/^list (\d+): (.*)$/)!;
    expect(Number(listed[1])).toBe(STALL_SWEEP_PAGE_SIZE);
    const startedBefore = Date.parse(listed[2].match(/StartTime < '([^']+)'/)![1]);
    expect(startedBefore).toBeGreaterThanOrEqual(before - 600_000);
    expect(startedBefore).toBeLessThanOrEqual(Date.now() - 600_000);
    expect(listed[2]).toContain("TaskQueue = 'q1'");
    expect(calls.filter((call) => call.startsWith('signal')).sort()).toEqual([
      'signal closed-since stallDetected',
      'signal refused stallDetected',
      'signal unanswered stallDetected', // no answer: the transaction decides
      'signal waits stallDetected',
    ]);
  });

  it('finds nothing: no query, no signal', async () => {
    const { client, calls } = fakeClient([], {});
    const { signalStalledTransactions } = createStallSweepActivities({
      db: fakeDb(),
      temporal: client,
      logger: createLogger('silent', 'test'),
    });
    expect(await signalStalledTransactions({ taskQueue: 'q1', stallTimeoutSeconds: 2 })).toEqual({ found: 0, signalled: 0, failed: 0 });
    expect(calls).toHaveLength(1);
  });

  it('leaves alone what the database says is queued behind the transfer rate limit: no query, no signal', async () => {
    const waits = { awaitsSignal: true, dueAt: due };
    const { client, calls } = fakeClient(['transaction-queued', 'transaction-stuck'], {
      'transaction-queued': waits,
      'transaction-stuck': waits,
    });
    const { signalStalledTransactions } = createStallSweepActivities({
      db: fakeDb(['queued']),
      temporal: client,
      logger: createLogger('silent', 'test'),
    });
    expect(await signalStalledTransactions({ taskQueue: 'q1', stallTimeoutSeconds: 600 })).toEqual({ found: 1, signalled: 1, failed: 0 });
    expect(calls.slice(1)).toEqual(['query transaction-stuck run-transaction-stuck', 'signal transaction-stuck stallDetected']);
  });
});
