/**
 * Workflow tests on stubbed activities: one connection per test file to the workflow project's
 * dev server (workflowGlobalSetup.ts), and per test a fresh task queue served by two workers
 * with the bundled workflows and the test's stubs — the main queue (workflows, database and
 * read activities) and `<queue>-transfers` (MoniMe transfers), as in production.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { transferTaskQueueFor } from '../../../contract';
import { quietTestRuntime } from '../../support/quietRuntime';
import { waitFor } from '../../support/waitFor';
import { workflowBundlePath, workflowTestTemporalAddress } from '../../support/workflowTestServer';

export interface WorkerScope {
  client: Client;
  taskQueue: string;
  /** Workflows still running when the test ends are terminated, so none outlives its workers. */
  track<H extends WorkflowHandle>(handle: H): H;
}

export interface WorkflowTesting {
  /** Runs `test` while workers on a new task queue serve the bundled workflows and `activities`. */
  withWorkers<T>(activities: object, test: (scope: WorkerScope) => Promise<T>): Promise<T>;
}

/** Call once at the top of a test file: connects in beforeAll, closes in afterAll. */
export function useWorkflowTesting(): WorkflowTesting {
  let nativeConnection: NativeConnection | undefined;
  let connection: Connection | undefined;
  let client: Client;
  /** Workers still running: a test that timed out leaves its own behind. */
  const running = new Map<Worker, Promise<void>>();

  const stop = async (workers: Worker[]) => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    return Promise.allSettled(workers.map((worker) => running.get(worker)));
  };

  beforeAll(async () => {
    quietTestRuntime();
    const address = workflowTestTemporalAddress();
    [nativeConnection, connection] = await Promise.all([NativeConnection.connect({ address }), Connection.connect({ address })]);
    client = new Client({ connection });
  });
  afterAll(async () => {
    await stop([...running.keys()]);
    await connection?.close();
    await nativeConnection?.close();
  });

  return {
    async withWorkers(activities, test) {
      const taskQueue = `workflow-test-${randomUUID()}`;
      const shared = {
        connection: nativeConnection!,
        activities,
        // A test that failed may leave a stub blocked: do not wait long for it.
        shutdownGraceTime: '1 second',
        shutdownForceTime: '5 seconds',
      } as const;
      const created = await Promise.allSettled([
        Worker.create({ ...shared, taskQueue, workflowBundle: { codePath: workflowBundlePath() } }),
        Worker.create({ ...shared, taskQueue: transferTaskQueueFor(taskQueue) }),
      ]);
      const workers = created.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      for (const worker of workers)
        running.set(
          worker,
          worker.run().finally(() => running.delete(worker)),
        );
      const failedToCreate = created.find((result) => result.status === 'rejected');
      if (failedToCreate) {
        await stop(workers);
        throw failedToCreate.reason;
      }

      const started: WorkflowHandle[] = [];
      const scope: WorkerScope = {
        client,
        taskQueue,
        track(handle) {
          started.push(handle);
          return handle;
        },
      };
      const workersStopped = Promise.all(workers.map((worker) => running.get(worker))).then(() => {
        throw new Error(`the workers of ${taskQueue} stopped before the test ended`);
      });
      let outcome: { ok: true; value: Awaited<ReturnType<typeof test>> } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await Promise.race([test(scope), workersStopped]) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (outcome.ok && recordHistoriesTo()) await recordHistories(started);
      await Promise.all(
        started.map(async (handle) => {
          const description = await handle.describe().catch(() => null);
          if (description?.status.name === 'RUNNING') await handle.terminate('test finished').catch(() => undefined);
        }),
      );
      const stopped = await stop(workers);
      if (!outcome.ok) throw outcome.error;
      const workerFailure = stopped.find((result) => result.status === 'rejected');
      if (workerFailure) throw (workerFailure as PromiseRejectedResult).reason;
      return outcome.value;
    },
  };
}

/**
 * `RECORD_HISTORIES_TO=<dir> npx jest test/workflow/<file>`: each passing test's closed runs
 * are saved there, in the JSON the Web UI downloads, to become replay fixtures
 * (test/replay/histories) after a change of workflow shape.
 */
function recordHistoriesTo(): string | undefined {
  return process.env.RECORD_HISTORIES_TO;
}

async function recordHistories(handles: WorkflowHandle[]): Promise<void> {
  const dir = recordHistoriesTo()!;
  fs.mkdirSync(dir, { recursive: true });
  const test = (expect.getState().currentTestName ?? 'workflow')
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  for (const [index, handle] of handles.entries()) {
    await waitFor(async () => ((await handle.describe()).status.name !== 'RUNNING' ? true : undefined), {
      what: `${handle.workflowId} closed`,
    }).catch(() => undefined);
    if ((await handle.describe()).status.name === 'RUNNING') continue;
    fs.writeFileSync(path.join(dir, `${test}${index ? `-${index}` : ''}.json`), historyToJSON(await handle.fetchHistory()));
  }
}
