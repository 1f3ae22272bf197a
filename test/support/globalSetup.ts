import { TestWorkflowEnvironment } from '@temporalio/testing';
import { quietTestRuntime } from './quietRuntime';
import { loadConfig } from '../../config';
import { ensureTemporalCli } from '../../temporal/cli';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../contract';
import { freePort } from './freePort';
import { bundleWorkflowsOnce } from './workflowBundle';

/**
 * The integration project's Temporal dev server, and the workflow bundle (bundled once per
 * run, shared with the workflow project). The dev server is the locally built CLI
 * (`existing-path`): Temporal's helpers would otherwise download one.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  quietTestRuntime();
  const uiPort = await freePort();
  const cliPath = await ensureTemporalCli({ configuredPath: loadConfig().temporal.cliPath });
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cliPath },
        ip: '127.0.0.1',
        searchAttributes: ALL_SEARCH_ATTRIBUTE_KEYS,
        // The Web UI too: operators' browser test filters workflows in it.
        ui: true,
        uiPort,
        log: { format: 'pretty', level: 'error' },
        // A deleted run (settledPayments.test.ts, as Temporal's retention does) goes once the
        // queues' ack levels pass its close task: written every 30 s by default, every second here.
        extraArgs: [
          '--dynamic-config-value',
          'history.transferProcessorUpdateAckInterval="1s"',
          '--dynamic-config-value',
          'history.visibilityProcessorUpdateAckInterval="1s"',
        ],
      },
    }),
    bundleWorkflowsOnce(),
  ]);
  process.env.FAREFLOW_TEST_TEMPORAL_ADDRESS = env.address;
  process.env.FAREFLOW_TEST_TEMPORAL_CLI = cliPath;
  process.env.FAREFLOW_TEST_TEMPORAL_UI = `http://127.0.0.1:${uiPort}`;
  process.env.FAREFLOW_TEST_WORKFLOW_BUNDLE = bundle;
  (globalThis as { __fareflowTemporal?: TestWorkflowEnvironment }).__fareflowTemporal = env;
  process.stderr.write(`\n[fareflow tests] Temporal dev server ${env.address}, workflows bundled, in ${Date.now() - started} ms\n`);
}
