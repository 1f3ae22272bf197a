/**
 * Recorded workflow histories (committed fixtures) replayed against the current workflow
 * code: a change that would break running workflows fails here with a non-determinism error.
 * Fixtures are (re)recorded by `npm run record-histories`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import * as transactionPatches from '../../workflows/transaction/patches';

const { LOCAL_DB_ACTIVITIES_PATCH, TWO_TASK_HAPPY_PATH_PATCH } = transactionPatches;
import { RESERVATION_DEADLINE_PATCH } from '../../workflows/releaseReservation';
import { workflowTypes, type ProcessTransactionInput } from '../../contract';

const HISTORIES_DIR = path.join(__dirname, 'histories');

interface HistoryJson {
  events: Array<{
    workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string }; input?: { payloads?: Array<{ data?: string }> } };
    markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: Array<{ data?: string }> }> };
  }>;
}

/** The ids of the `patched()` markers a history carries (their payloads are base64 JSON). */
function patchesOf(history: HistoryJson): string[] {
  return history.events
    .filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_patch')
    .flatMap((event) => event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? [])
    .map((payload) => (JSON.parse(Buffer.from(payload.data ?? '', 'base64').toString('utf8')) as { id: string }).id);
}

/** A transaction's stall watch, as its input (recorded in the start event) chose it. */
function inputOf(history: HistoryJson): ProcessTransactionInput {
  const payload = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? '';
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as ProcessTransactionInput;
}

function stallWatchOf(history: HistoryJson): string {
  return inputOf(history).settings.stallWatch ?? 'timer';
}

// runReplayHistory takes the JSON as Temporal's CLI and Web UI export it.
function fixtures(): Array<{ workflowId: string; history: HistoryJson }> {
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as HistoryJson,
    }));
}

describe('recorded workflow histories replay on the current code', () => {
  const recorded = fixtures();

  it('has fixtures for every workflow type', () => {
    const types = new Set(recorded.map(({ history }) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    expect([...types].sort()).toEqual(Object.values(workflowTypes).sort());
  });

  it('covers processTransaction with its stall watch on a timer (inputs without stallWatch) and by the sweeper', () => {
    const modes = recorded
      .filter(({ history }) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'processTransaction')
      .map(({ history }) => stallWatchOf(history));
    expect(modes).toContain('timer');
    expect(modes).toContain('sweeper');
  });

  it('covers the two-task shape both as its patch marker says (older runs) and as the input says (settings.shape, no marker)', () => {
    const transactions = recorded.filter(
      ({ history }) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'processTransaction',
    );
    const byInput = transactions.filter(({ history }) => inputOf(history).settings.shape === 2);
    expect(byInput.length).toBeGreaterThan(0);
    for (const { history } of byInput) expect(patchesOf(history)).not.toContain(TWO_TASK_HAPPY_PATH_PATCH);
    expect(transactions.some(({ history }) => patchesOf(history).includes(TWO_TASK_HAPPY_PATH_PATCH))).toBe(true);
  });

  it('covers processTransaction before and after its database writes became local activities', () => {
    const transactions = recorded.filter(
      ({ history }) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'processTransaction',
    );
    const patchedRuns = transactions.filter(({ history }) => patchesOf(history).includes(LOCAL_DB_ACTIVITIES_PATCH));
    expect(patchedRuns.length).toBeGreaterThan(0);
    expect(transactions.length - patchedRuns.length).toBeGreaterThan(0);
  });

  it('has a processTransaction fixture for every patch it declares, so each patched path is proven to replay', () => {
    const seen = new Set(recorded.flatMap(({ history }) => patchesOf(history)));
    expect(Object.values(transactionPatches).filter((id) => !seen.has(id))).toEqual([]);
  });

  it('covers releaseReservation before and after reservations had a deadline', () => {
    const releases = recorded.filter(
      ({ history }) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'releaseReservation',
    );
    const deadlines = releases.filter(({ history }) => patchesOf(history).includes(RESERVATION_DEADLINE_PATCH));
    expect(deadlines.length).toBeGreaterThan(0);
    expect(releases.length - deadlines.length).toBeGreaterThan(0);
  });

  it.each(recorded.map((entry) => [entry.workflowId, entry] as const))('%s', async (_name, { workflowId, history }) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.FAREFLOW_TEST_WORKFLOW_BUNDLE! } }, history, workflowId);
  });
});
