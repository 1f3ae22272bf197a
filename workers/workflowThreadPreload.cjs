'use strict';
// Loaded with --require into the SDK's workflow threads, and only there, when workflow stack
// traces are off (workers/workflowStackTraces.ts). The SDK installs a V8 promise hook in each
// workflow thread that records a stack, with source-map lookups, for every promise workflow code
// creates: a third of the thread's CPU in the bench. When installing the hook fails the SDK runs
// without it: it says so once on stderr, and the `__stack_trace` query answers that stack traces
// are not enabled on this worker.
const { isMainThread } = require('node:worker_threads');
if (!isMainThread) {
  require('node:v8').promiseHooks.createHook = () => {
    throw new Error('workflow stack traces are off (TEMPORAL_WORKFLOW_STACK_TRACES=false)');
  };
}
