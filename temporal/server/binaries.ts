import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The server version the Temporal CLI v1.5.1 embeds in its dev server: one behaviour in both. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULES = [
  `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
  `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
];

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12/{temporal,visibility}/versioned`, copied from the module. */
  schemaDir: string;
}

/** Per user and keyed by version, beside the CLI's cache, so every clone shares one build. */
export function cachedServerDir(home = os.homedir()): string {
  return path.join(home, '.cache', 'fareflow', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function binariesIn(dir: string): ServerBinaries {
  return { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql'), schemaDir: path.join(dir, 'schema', 'postgresql', 'v12') };
}

function complete(binaries: ServerBinaries): boolean {
  return (
    fs.existsSync(binaries.server) &&
    fs.existsSync(binaries.sqlTool) &&
    fs.existsSync(path.join(binaries.schemaDir, 'temporal', 'versioned')) &&
    fs.existsSync(path.join(binaries.schemaDir, 'visibility', 'versioned'))
  );
}

/**
 * The server and its SQL tool, built once with `go install` (about five minutes on two cores)
 * into the per-user cache, with the PostgreSQL schema copied beside them: the tool applies
 * the versioned schema from files, and they ship only in the module's source.
 */
export async function ensureServerBinaries(opts: { say: (line: string) => void; dir?: string }): Promise<ServerBinaries> {
  const dir = opts.dir ?? cachedServerDir();
  const binaries = binariesIn(dir);
  if (complete(binaries)) return binaries;
  try {
    await run('go', ['version'], { timeout: 15_000 });
  } catch {
    throw new Error(
      `Temporal server v${TEMPORAL_SERVER_VERSION} is built from Go modules, and Go is not installed: install Go (https://go.dev/dl/) and run again, or point TEMPORAL_ADDRESS at a running cluster.`,
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  await goInstall(dir, opts.say);
  const { stdout } = await run('go', ['env', 'GOMODCACHE']);
  const moduleDir = path.join(stdout.trim(), `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`);
  fs.rmSync(path.join(dir, 'schema'), { recursive: true, force: true });
  fs.cpSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'), binaries.schemaDir, { recursive: true });
  // Module files are read-only; the copy is ours to delete.
  fs.chmodSync(binaries.schemaDir, 0o755);
  if (!complete(binaries)) throw new Error(`go install finished but ${dir} lacks the server, the SQL tool or the schema`);
  return binaries;
}

const PROGRESS_EVERY_MS = 15_000;

/** Go's own output goes to a log file; the terminal gets one line every 15 s. */
async function goInstall(dir: string, say: (line: string) => void): Promise<void> {
  const logFile = path.join(dir, 'build.log');
  const log = fs.openSync(logFile, 'w');
  const started = Date.now();
  say(`Building Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool once (about 5 minutes): go install into ${dir}`);
  const progress = setInterval(() => say(`  still building… ${Math.round((Date.now() - started) / 1000)} s`), PROGRESS_EVERY_MS);
  try {
    await new Promise<void>((resolve, reject) => {
      const build = spawn('go', ['install', ...MODULES], { env: { ...process.env, GOBIN: dir }, stdio: ['ignore', log, log] });
      build.once('error', reject);
      build.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}; see ${logFile}`))));
    });
  } finally {
    clearInterval(progress);
    fs.closeSync(log);
  }
  say(`Temporal server built in ${Math.round((Date.now() - started) / 1000)} s.`);
}
