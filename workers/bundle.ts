import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export type WorkflowBundle = { code: string } | { codePath: string };

const ROOT = path.join(__dirname, '..');
/**
 * The code a bundle is made of: workflows may import only these folders and
 * Temporal's sandbox packages (eslint.config.mjs enforces it), so their text and the SDK's version
 * name a bundle completely.
 */
const BUNDLED_FOLDERS = ['workflows', 'contract'];
const CACHE_DIR = path.join(ROOT, '.data', 'workflow-bundles');

/**
 * Bundled once per process start (or once per test run, into a file), never per worker; and
 * reused from `.data/workflow-bundles/` while the workflow code is unchanged, since bundling
 * costs seconds of CPU at every start of a worker process.
 */
export async function bundleWorkflows(outFile?: string): Promise<WorkflowBundle> {
  const code = await cachedBundle();
  if (!outFile) return { code };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return { codePath: outFile };
}

async function cachedBundle(): Promise<string> {
  const cacheFile = path.join(CACHE_DIR, `${bundleKey()}.js`);
  try {
    return fs.readFileSync(cacheFile, 'utf8');
  } catch {
    // Not made yet for this code: bundle below.
  }
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietBundlerLogger });
  saveQuietly(cacheFile, code);
  return code;
}

/** A content hash of the bundled folders and the SDK versions that shape the bundle. */
export function bundleKey(root = ROOT): string {
  const hash = createHash('sha256');
  for (const pkg of ['@temporalio/workflow', '@temporalio/common', '@temporalio/worker']) {
    hash.update(`${pkg}@${readVersion(pkg)}\n`);
  }
  for (const file of BUNDLED_FOLDERS.flatMap((folder) => filesUnder(path.join(root, folder)))) {
    hash.update(`${path.relative(root, file)}\n`);
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 24);
}

function readVersion(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(full) : [full];
    });
}

/** A cache that cannot be written (a read-only image) only costs the next start its bundling. */
function saveQuietly(file: string, code: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed, so that a process starting meanwhile never reads half a bundle.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, file);
  } catch {
    // Bundled in memory all the same.
  }
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
