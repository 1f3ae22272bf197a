import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sayOnStderr, type Say } from '../observability/progress';
import { downloadInfoUrl, downloadTemporalCli } from './cliDownload';
import { buildTemporalCliWithGo, goIsInstalled } from './cliGoBuild';

const run = promisify(execFile);

export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

/** Per user and keyed by version, so a fresh clone finds the binary an earlier one downloaded or built. */
export function cachedCliDir(home = os.homedir()): string {
  return path.join(home, '.cache', 'fareflow', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

export class TemporalCliMissing extends Error {}

/** The ways to a CLI, each one bounded in time; injected so every branch can be tested. */
export interface CliSources {
  /** Whether `binary --version` runs and says temporal. */
  runs(binary: string): Promise<boolean>;
  exists(file: string): boolean;
  download(dest: string, say: Say): Promise<void>;
  goInstalled(): Promise<boolean>;
  goBuild(gobin: string, say: Say): Promise<void>;
}

async function runsVersion(binary: string): Promise<boolean> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 15_000 });
    return stdout.includes('temporal');
  } catch {
    return false;
  }
}

export const realCliSources: CliSources = {
  runs: runsVersion,
  exists: (file) => fs.existsSync(file),
  download: (dest, say) => downloadTemporalCli({ infoUrl: downloadInfoUrl(TEMPORAL_CLI_VERSION), dest, say }),
  goInstalled: goIsInstalled,
  goBuild: (gobin, say) => buildTemporalCliWithGo({ module: MODULE, gobin, say }),
};

function howToGetIt(cacheDir: string, tried: string[]): string {
  return `The Temporal CLI (v${TEMPORAL_CLI_VERSION}) is needed for the embedded dev server, and none was found:
${tried.map((line) => `  - ${line}`).join('\n')}
Get it one of four ways, then run again:
  1. TEMPORAL_CLI_PATH=/path/to/temporal   (a release archive from https://github.com/temporalio/cli/releases)
  2. \`temporal\` on PATH                    (brew install temporal, or your distribution's package)
  3. a network that reaches temporal.download: it is then downloaded once into ${cacheDir}
  4. Go (https://go.dev/dl/): it is then built once into ${cacheDir} (about 5 minutes)
Or use a Temporal you already run: docker compose up -d postgresql temporal temporal-ui, then TEMPORAL_ADDRESS=127.0.0.1:7233.`;
}

/**
 * Finds the Temporal CLI the way Temporal's SDK gets its dev server, in this order:
 * TEMPORAL_CLI_PATH (exactly that, or an error); `temporal` on PATH; the per-user cache; a
 * download into the cache (the SDK's cached download); a `go install` into the cache. When
 * none works, one message names all four ways and what each attempt found.
 */
export async function ensureTemporalCli(
  opts: { configuredPath?: string; log?: Say; home?: string } = {},
  sources: CliSources = realCliSources,
): Promise<string> {
  const say = opts.log ?? sayOnStderr;
  if (opts.configuredPath) {
    if (await sources.runs(opts.configuredPath)) return opts.configuredPath;
    throw new TemporalCliMissing(`TEMPORAL_CLI_PATH=${opts.configuredPath} does not run \`temporal --version\``);
  }
  if (await sources.runs('temporal')) return 'temporal';
  const cacheDir = cachedCliDir(opts.home);
  const cached = path.join(cacheDir, 'temporal');
  if (sources.exists(cached) && (await sources.runs(cached))) return cached;

  const tried = ['TEMPORAL_CLI_PATH is unset', 'no `temporal` on PATH', `none in ${cacheDir}`];
  try {
    await sources.download(cached, say);
    if (await sources.runs(cached)) return cached;
    tried.push(`the download into ${cached} does not run`);
  } catch (error) {
    tried.push(`the download: ${(error as Error).message}`);
  }
  if (!(await sources.goInstalled())) {
    tried.push('Go is not installed');
    throw new TemporalCliMissing(howToGetIt(cacheDir, tried));
  }
  try {
    await sources.goBuild(cacheDir, say);
    if (await sources.runs(cached)) return cached;
    tried.push(`go install finished but ${cached} does not run`);
  } catch (error) {
    tried.push(`the Go build: ${(error as Error).message}`);
  }
  throw new TemporalCliMissing(howToGetIt(cacheDir, tried));
}
