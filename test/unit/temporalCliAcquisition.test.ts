/**
 * Issue 14: the Temporal CLI is found the way Temporal's SDK gets it, in a fixed order —
 * TEMPORAL_CLI_PATH, PATH, the per-user cache, a download, a Go build — and one message names
 * all four ways when every attempt fails. Each branch on fakes; the download and the Go build
 * on their real code with a fake network and a fake `go`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TemporalCliMissing, cachedCliDir, ensureTemporalCli, type CliSources } from '../../temporal/cli';
import { downloadTemporalCli } from '../../temporal/cliDownload';
import { buildTemporalCliWithGo } from '../../temporal/cliGoBuild';

const HOME = '/home/dev';
const CACHED = path.join(cachedCliDir(HOME), 'temporal');

/** Sources where only `working` binaries run; the download and build fail unless given. */
function fakeSources(working: string[], overrides: Partial<CliSources> = {}) {
  const calls: string[] = [];
  const runnable = new Set(working);
  const sources: CliSources = {
    runs: async (binary) => (calls.push(`runs ${binary}`), runnable.has(binary)),
    exists: (file) => runnable.has(file),
    download: async () => {
      calls.push('download');
      throw new Error('download failed (fetch failed: ENOTFOUND)');
    },
    goInstalled: async () => (calls.push('go?'), false),
    goBuild: async () => {
      calls.push('go build');
      throw new Error('go install exited with 1');
    },
    ...overrides,
  };
  return { sources, calls, makeRunnable: (binary: string) => runnable.add(binary) };
}

const quiet = { home: HOME, log: () => undefined };

describe('ensureTemporalCli, in order', () => {
  it('1. TEMPORAL_CLI_PATH: exactly that binary, or an error, never another', async () => {
    const { sources, calls } = fakeSources(['/opt/temporal', 'temporal']);
    await expect(ensureTemporalCli({ ...quiet, configuredPath: '/opt/temporal' }, sources)).resolves.toBe('/opt/temporal');
    await expect(ensureTemporalCli({ ...quiet, configuredPath: '/nope/temporal' }, sources)).rejects.toThrow(
      /TEMPORAL_CLI_PATH=\/nope\/temporal does not run/,
    );
    expect(calls).toEqual(['runs /opt/temporal', 'runs /nope/temporal']);
  });

  it('2. `temporal` on PATH', async () => {
    const { sources, calls } = fakeSources(['temporal', CACHED]);
    await expect(ensureTemporalCli(quiet, sources)).resolves.toBe('temporal');
    expect(calls).toEqual(['runs temporal']);
  });

  it('3. the per-user cache', async () => {
    const { sources, calls } = fakeSources([CACHED]);
    await expect(ensureTemporalCli(quiet, sources)).resolves.toBe(CACHED);
    expect(calls).toEqual(['runs temporal', `runs ${CACHED}`]);
  });

  it('4. the download into the cache, before Go', async () => {
    const fake = fakeSources([]);
    fake.sources.download = async (dest) => {
      fake.calls.push(`download ${dest}`);
      fake.makeRunnable(dest);
    };
    await expect(ensureTemporalCli(quiet, fake.sources)).resolves.toBe(CACHED);
    expect(fake.calls).toEqual(['runs temporal', `download ${CACHED}`, `runs ${CACHED}`]);
  });

  it('5. a Go build into the cache when the download fails', async () => {
    const fake = fakeSources([], { goInstalled: async () => true });
    fake.sources.goBuild = async (gobin) => {
      fake.calls.push(`go build ${gobin}`);
      fake.makeRunnable(CACHED);
    };
    await expect(ensureTemporalCli(quiet, fake.sources)).resolves.toBe(CACHED);
    expect(fake.calls).toEqual(['runs temporal', 'download', `go build ${cachedCliDir(HOME)}`, `runs ${CACHED}`]);
  });

  it('6. when all fail: one message naming the four ways and what each attempt found', async () => {
    for (const goInstalled of [false, true]) {
      const { sources } = fakeSources([], { goInstalled: async () => goInstalled });
      const error = await ensureTemporalCli(quiet, sources).catch((e: Error) => e);
      expect(error).toBeInstanceOf(TemporalCliMissing);
      const message = (error as Error).message;
      expect(message).toMatch(/1\. TEMPORAL_CLI_PATH=/);
      expect(message).toMatch(/2\. `temporal` on PATH/);
      expect(message).toMatch(/3\. a network that reaches temporal\.download/);
      expect(message).toMatch(/4\. Go \(https:\/\/go\.dev\/dl\/\)/);
      expect(message).toContain('the download: download failed (fetch failed: ENOTFOUND)');
      expect(message).toContain(goInstalled ? 'the Go build: go install exited with 1' : 'Go is not installed');
    }
  });
});

describe('downloadTemporalCli (the SDK cached download, bounded)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-cli-download-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails within its timeout when temporal.download never answers, leaving nothing behind', async () => {
    const hangs = ((_url: string, init: RequestInit) =>
      new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    const started = Date.now();
    const dest = path.join(dir, 'temporal');
    await expect(
      downloadTemporalCli({
        infoUrl: 'https://temporal.download/cli/v1.5.1',
        dest,
        say: () => undefined,
        infoTimeoutMs: 300,
        fetch: hangs,
      }),
    ).rejects.toThrow(/download failed/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('fails fast when the name does not resolve (no network)', async () => {
    const started = Date.now();
    const dest = path.join(dir, 'temporal');
    await expect(
      downloadTemporalCli({ infoUrl: 'https://temporal.download.invalid/cli/v1.5.1', dest, say: () => undefined }),
    ).rejects.toThrow(/download failed \(fetch failed/);
    expect(Date.now() - started).toBeLessThan(15_000); // ENOTFOUND here in 0.1 s; a resolver that hangs meets the 10 s bound
  });

  it('asks for the archive, streams it with progress, and extracts the named file into the cache', async () => {
    fs.mkdirSync(path.join(dir, 'release'));
    fs.writeFileSync(path.join(dir, 'release', 'temporal'), '#!/bin/sh\necho "temporal version 1.5.1"\n');
    execFileSync('tar', ['-czf', path.join(dir, 'cli.tar.gz'), '-C', path.join(dir, 'release'), 'temporal']);
    const archive = fs.readFileSync(path.join(dir, 'cli.tar.gz'));
    const network = (async (url: string) =>
      url.startsWith('https://temporal.download/')
        ? Response.json({ archiveUrl: 'https://cdn.example/cli.tar.gz', fileToExtract: 'temporal' })
        : new Response(archive, { headers: { 'content-length': String(archive.length) } })) as typeof fetch;
    const said: string[] = [];
    const dest = path.join(dir, 'cache', 'temporal');
    fs.mkdirSync(path.dirname(dest));
    await downloadTemporalCli({ infoUrl: 'https://temporal.download/cli/v1.5.1', dest, say: (line) => said.push(line), fetch: network });
    expect(execFileSync(dest, ['--version'], { encoding: 'utf8' })).toContain('temporal version 1.5.1');
    expect(said[0]).toMatch(/^→ downloading the Temporal CLI/);
    expect(said.at(-1)).toMatch(/^✓ downloading the Temporal CLI.*\(\d+\.\d s\)$/);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['temporal']);
  });
});

describe('buildTemporalCliWithGo', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-go-build-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A `go` that prints module lines, then builds (or fails) after a short while. */
  function fakeGo(exitCode: number): string {
    const go = path.join(dir, 'go');
    fs.writeFileSync(
      go,
      `#!/bin/sh\necho "go: downloading go.temporal.io/server v1.29.1"\nsleep 0.5\ntouch "$GOBIN/temporal"\nexit ${exitCode}\n`,
      { mode: 0o755 },
    );
    return go;
  }

  it('says "still building" instead of Go\'s lines, which go to a log file', async () => {
    const said: string[] = [];
    const gobin = path.join(dir, 'cache');
    await buildTemporalCliWithGo({ module: 'example/cmd@v1', gobin, say: (line) => said.push(line), tickMs: 100, go: fakeGo(0) });
    expect(said.some((line) => /still building… \(\d+\.\d s\)/.test(line))).toBe(true);
    expect(said.join('\n')).not.toContain('go: downloading');
    expect(fs.readFileSync(path.join(gobin, 'go-build.log'), 'utf8')).toContain('go: downloading');
    expect(fs.existsSync(path.join(gobin, 'temporal'))).toBe(true);
  });

  it('names the log file when the build fails, and stops a build past its time', async () => {
    const gobin = path.join(dir, 'cache');
    const say = () => undefined;
    await expect(buildTemporalCliWithGo({ module: 'm', gobin, say, go: fakeGo(1) })).rejects.toThrow(
      `go install exited with 1 (Go's output: ${path.join(gobin, 'go-build.log')})`,
    );
    await expect(buildTemporalCliWithGo({ module: 'm', gobin, say, go: fakeGo(0), timeoutMs: 100 })).rejects.toThrow(/too slow/);
  });
});
