import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beginStep, type Say } from '../observability/progress';

const run = promisify(execFile);

/**
 * What Temporal's SDK does for `cached-download` (@temporalio/testing → sdk-core
 * ephemeral_server: `get_or_download("cli", "temporal", Some("tar.gz"))`): ask
 * temporal.download which archive holds the CLI for this platform, fetch it, and extract the
 * one file it names. Done here rather than through the SDK, whose download cannot be
 * cancelled or timed out and reports no progress.
 */
export function downloadInfoUrl(version: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform === 'darwin' ? 'darwin' : 'linux';
  const cpu = arch === 'arm64' || arch === 'arm' ? 'arm64' : 'amd64';
  return `https://temporal.download/cli/v${version}?arch=${cpu}&platform=${os}&format=tar.gz`;
}

export interface DownloadOptions {
  infoUrl: string;
  /** Where the binary ends up (the per-user cache). */
  dest: string;
  say: Say;
  /** The question to temporal.download: an unreachable network fails here, fast. */
  infoTimeoutMs?: number;
  /** The archive may take minutes on a slow line, but not a pause this long without a byte. */
  stallTimeoutMs?: number;
  fetch?: typeof fetch;
}

async function fetchInfo(opts: DownloadOptions): Promise<{ archiveUrl: string; fileToExtract: string }> {
  const response = await (opts.fetch ?? fetch)(opts.infoUrl, { signal: AbortSignal.timeout(opts.infoTimeoutMs ?? 10_000) });
  if (!response.ok) throw new Error(`${opts.infoUrl} answered ${response.status}`);
  const info = (await response.json()) as { archiveUrl?: string; fileToExtract?: string };
  if (!info.archiveUrl?.endsWith('.tar.gz') || !info.fileToExtract) throw new Error(`${opts.infoUrl} named no .tar.gz archive`);
  return { archiveUrl: info.archiveUrl, fileToExtract: info.fileToExtract };
}

/** Streams `url` into `file`, with a progress line every 10 %, aborting when no byte arrives for `stallTimeoutMs`. */
async function fetchArchive(url: string, file: string, opts: DownloadOptions, progress: (detail: string) => void): Promise<void> {
  const abort = new AbortController();
  const stallMs = opts.stallTimeoutMs ?? 30_000;
  let stall = setTimeout(() => abort.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  const out = fs.createWriteStream(file);
  try {
    const response = await (opts.fetch ?? fetch)(url, { signal: abort.signal });
    if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
    const total = Number(response.headers.get('content-length')) || 0;
    let received = 0;
    let reported = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(stall);
      stall = setTimeout(() => abort.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      received += chunk.length;
      const tenths = total ? Math.floor((received / total) * 10) : 0;
      if (tenths > reported) {
        reported = tenths;
        progress(`${(received / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB`);
      }
    }
  } finally {
    clearTimeout(stall);
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
}

/** Downloads the CLI into `dest`; throws, leaving nothing behind, when the network does not allow it. */
export async function downloadTemporalCli(opts: DownloadOptions): Promise<void> {
  const step = beginStep(opts.say, `downloading the Temporal CLI (${opts.infoUrl})`);
  const work = `${opts.dest}.downloading`;
  try {
    const info = await fetchInfo(opts);
    fs.mkdirSync(work, { recursive: true });
    const archive = path.join(work, 'archive.tar.gz');
    await fetchArchive(info.archiveUrl, archive, opts, step.progress);
    await run('tar', ['-xzf', archive, '-C', work, info.fileToExtract], { timeout: 120_000 });
    fs.chmodSync(path.join(work, info.fileToExtract), 0o755);
    fs.renameSync(path.join(work, info.fileToExtract), opts.dest);
    step.done(opts.dest);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = [(error as Error).message, cause?.code ?? cause?.message].filter(Boolean).join(': ');
    step.failed(reason);
    throw new Error(`download failed (${reason})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
