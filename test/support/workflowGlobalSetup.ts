import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../contract';
import { loadConfig } from '../../config';
import { ensureTemporalCli } from '../../temporal/cli';
import { quietTestRuntime } from './quietRuntime';
import { bundleWorkflowsOnce } from './workflowBundle';
import { WORKFLOW_TEST_TEMPORAL_ADDRESS } from './workflowTestServer';

/**
 * The workflow project's one local dev server (the locally built CLI: Temporal's helpers would
 * otherwise download one), with fareflow's search attributes, and the bundled workflows. Test
 * files run their own workers on unique task queues against it, with stubbed activities.
 */
export default async function workflowGlobalSetup(): Promise<void> {
  const started = Date.now();
  quietTestRuntime();
  const cliPath = await ensureTemporalCli({ configuredPath: loadConfig().temporal.cliPath });
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cliPath },
        ip: '127.0.0.1',
        searchAttributes: ALL_SEARCH_ATTRIBUTE_KEYS,
        // Its only errors in a run are benign ("context canceled" when a test's task queue unloads).
        log: { format: 'pretty', level: 'never' },
      },
    }),
    bundleWorkflowsOnce(),
  ]);
  process.env[WORKFLOW_TEST_TEMPORAL_ADDRESS] = env.address;
  process.env.FAREFLOW_TEST_WORKFLOW_BUNDLE = bundle;
  (globalThis as { __fareflowWorkflowTemporal?: TestWorkflowEnvironment }).__fareflowWorkflowTemporal = env;
  process.stderr.write(
    `\n[fareflow tests] workflow project: Temporal dev server ${env.address}, workflows bundled, in ${Date.now() - started} ms\n`,
  );
}
