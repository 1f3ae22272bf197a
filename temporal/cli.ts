import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

/** Per user and keyed by version, so a fresh clone finds the binary an earlier one built. */
export function cachedCliDir(home = os.homedir()): string {
  return path.join(home, '.cache', 'fareflow', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

export class TemporalCliMissing extends Error {}

async function runsVersion(binary: string): Promise<boolean> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 15_000 });
    return stdout.includes('temporal');
  } catch {
    return false;
  }
}

const HOW_TO_GET_IT = `The Temporal CLI (v${TEMPORAL_CLI_VERSION}) is needed for the embedded dev server, and Go is not installed to build it.
Get it one of three ways:
  1. a package manager: brew install temporal   (or your distribution's package)
  2. the release archive for your platform from https://github.com/temporalio/cli/releases,
     then put \`temporal\` on PATH or set TEMPORAL_CLI_PATH=/path/to/temporal
  3. docker compose up -d postgresql temporal temporal-ui   (docker-compose.yml in this repo),
     then run with TEMPORAL_ADDRESS=127.0.0.1:7233
Or install Go (https://go.dev/dl/) and run again: the CLI is then built once into ${cachedCliDir()}.`;

/**
 * Finds a Temporal CLI: TEMPORAL_CLI_PATH, then PATH, then the per-user cache; builds it
 * with `go install` into the cache when none is found.
 */
export async function ensureTemporalCli(opts: { configuredPath?: string; log?: (line: string) => void } = {}): Promise<string> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (opts.configuredPath) {
    if (await runsVersion(opts.configuredPath)) return opts.configuredPath;
    throw new TemporalCliMissing(`TEMPORAL_CLI_PATH=${opts.configuredPath} does not run \`temporal --version\``);
  }
  if (await runsVersion('temporal')) return 'temporal';
  const cached = path.join(cachedCliDir(), 'temporal');
  if (fs.existsSync(cached) && (await runsVersion(cached))) return cached;

  try {
    await run('go', ['version'], { timeout: 15_000 });
  } catch {
    throw new TemporalCliMissing(HOW_TO_GET_IT);
  }
  log(`Building Temporal CLI v${TEMPORAL_CLI_VERSION} once (takes a few minutes)… go install ${MODULE} into ${cachedCliDir()}`);
  fs.mkdirSync(cachedCliDir(), { recursive: true });
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const build = spawn('go', ['install', MODULE], {
      env: { ...process.env, GOBIN: cachedCliDir() },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    build.once('error', reject);
    build.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${MODULE} exited with ${code}`))));
  });
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s.`);
  if (!(await runsVersion(cached))) throw new TemporalCliMissing(`go install finished but ${cached} does not run`);
  return cached;
}
