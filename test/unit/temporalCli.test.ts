/**
 * Without Go and without a Temporal CLI, the project's scripts say how to get one and exit
 * non-zero instead of failing somewhere deeper. Runs the real script in a subprocess whose
 * PATH holds only Node's folder and whose home has no cached build.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedCliDir } from '../../temporal/cli';

const ROOT = path.join(__dirname, '..', '..');

it('without Go, `npm run temporal:ensure` prints the three ways to get the CLI and exits 1', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-nogo-'));
  try {
    const nodeDir = path.dirname(process.execPath);
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
    expect(result.stderr).toMatch(/Go is not installed/);
    expect(result.stderr).toMatch(/1\. a package manager/);
    expect(result.stderr).toMatch(/2\. the release archive/);
    expect(result.stderr).toMatch(/3\. docker compose up/);
    expect(result.stderr).toContain(cachedCliDir(home));
    expect(fs.existsSync(cachedCliDir(home))).toBe(false);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
