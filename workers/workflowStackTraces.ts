import path from 'node:path';
import workerThreads from 'node:worker_threads';

/** The SDK's workflow thread script (@temporalio/worker/lib/workflow/workflow-worker-thread.js). */
const SDK_WORKFLOW_THREAD = /[\\/]workflow-worker-thread\.js$/;
const PRELOAD = path.join(__dirname, 'workflowThreadPreload.cjs');

/**
 * The switch lives on the wrapper installed on `node:worker_threads`, not in this module: that
 * module object is one per process, while this module may be loaded more than once (Jest loads
 * it afresh for every test file in a worker process).
 */
const SWITCH = Symbol.for('fareflow.workflowStackTraces');
type SwitchedWorker = typeof workerThreads.Worker & { [SWITCH]?: { on: boolean } };

/**
 * Whether workflow threads created from now on in this process record promise stack traces
 * for the `__stack_trace` query (the Web UI's stack-trace view). Off saves about a seventh of
 * the worker process's CPU per payment (README "Benchmarks"); TEMPORAL_WORKFLOW_STACK_TRACES.
 *
 * The SDK has no option for it, so the one way in is the thread's own flags: the SDK creates
 * its workflow threads with `new Worker(script)` from `node:worker_threads`, and that export is
 * wrapped here to add a preload to those threads only. A test fails if an SDK upgrade changes
 * this (test/workflow/stackTraces.test.ts).
 */
export function setWorkflowStackTraces(on: boolean): void {
  const installed = (workerThreads.Worker as SwitchedWorker)[SWITCH];
  if (installed) {
    installed.on = on;
    return;
  }
  if (on) return;
  const state = { on };
  class WorkerWithPreload extends workerThreads.Worker {
    static [SWITCH] = state;
    constructor(script: string | URL, options?: workerThreads.WorkerOptions) {
      const preload = !state.on && SDK_WORKFLOW_THREAD.test(String(script));
      super(script, preload ? { ...options, execArgv: [...(options?.execArgv ?? process.execArgv), '--require', PRELOAD] } : options);
    }
  }
  Object.defineProperty(workerThreads, 'Worker', { value: WorkerWithPreload, writable: true, configurable: true, enumerable: true });
}
