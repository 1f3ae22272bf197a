import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export type WorkflowBundle = { code: string } | { codePath: string };

/** Bundled once per process start (or once per test run, into a file), never per worker. */
export async function bundleWorkflows(outFile?: string): Promise<WorkflowBundle> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietBundlerLogger });
  if (!outFile) return { code };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return { codePath: outFile };
}

const ignore = () => undefined;
const quietBundlerLogger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: ignore,
};
