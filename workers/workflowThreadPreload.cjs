'use strict';
// Loaded with --require into the SDK's workflow threads, and only there, when workflow stack
// traces are off (workers/workflowStackTraces.ts). The SDK installs a V8 promise hook in each
// workflow thread that records a stack, with source-map lookups, for every promise workflow code
// creates: a third of the thread's CPU in the bench. When installing that hook fails the SDK runs
// without it: it says so once on stderr, and the `__stack_trace` query answers that stack traces
// are not enabled on this worker. Only the SDK's call is refused: Node's own async_hooks (behind
// the AsyncLocalStorage that workflow cancellation scopes run in) create hooks the same way.
const { isMainThread } = require('node:worker_threads');
const { promiseHooks } = require('node:v8');

const SDK_STACK_TRACE_HOOK = /[\\/]vm-shared\.js:/;

if (!isMainThread) {
  const createHook = promiseHooks.createHook;
  promiseHooks.createHook = function createHookUnlessForStackTraces(hooks) {
    if (SDK_STACK_TRACE_HOOK.test(new Error().stack ?? '')) {
      throw new Error('workflow stack traces are off (TEMPORAL_WORKFLOW_STACK_TRACES=false)');
    }
    return createHook.call(this, hooks);
  };
}
