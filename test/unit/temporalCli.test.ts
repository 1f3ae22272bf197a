/**
 * Without Go, without a Temporal CLI and without a network that reaches temporal.download (as
 * on this machine and CI), the project's scripts say how to get one and exit non-zero instead
 * of failing somewhere deeper — within seconds: the download attempt must not hang. Runs the
 * real script in a subprocess whose PATH holds only Node's folder and whose home has no cache.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedCliDir } from '../../temporal/cli';

const ROOT = path.join(__dirname, '..', '..');

it('without Go or network, `npm run temporal:ensure` tries the download, prints the four ways to get the CLI and exits 1, fast', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-nogo-'));
  try {
    const nodeDir = path.dirname(process.execPath);
    const started = Date.now();
    expect(fs.existsSync(path.join(nodeDir, 'go'))).toBe(false);
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/ensure-temporal-cli.ts'],
      {
        cwd: ROOT,
        env: { PATH: nodeDir, HOME: home },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000); // tsx's start included; the download gives up in well under that
    expect(result.stdout + result.stderr).toMatch(/✗ downloading the Temporal CLI/);
    expect(result.stderr).toMatch(/- the download: download failed/);
    expect(result.stderr).toMatch(/- Go is not installed/);
    expect(result.stderr).toMatch(/1\. TEMPORAL_CLI_PATH=/);
    expect(result.stderr).toMatch(/2\. `temporal` on PATH/);
    expect(result.stderr).toMatch(/3\. a network that reaches temporal\.download/);
    expect(result.stderr).toMatch(/4\. Go /);
    expect(result.stderr).toMatch(/docker compose up/);
    expect(result.stderr).toContain(cachedCliDir(home));
    expect(fs.existsSync(cachedCliDir(home))).toBe(false);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
