/**
 * Writes one run's history into test/replay/histories/<name>.json, in the JSON Temporal's CLI
 * and Web UI export (what historyFromJSON and Worker.runReplayHistory read). Shared by the
 * record-*.ts recorders.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testCliPath, testTemporalAddress } from '../support/testServer';

export const HISTORIES_DIR = path.join(__dirname, 'histories');

/**
 * RECORD_HISTORIES_TAG=<tag> records `<type>-<tag>-<scenario>` beside the fixtures of earlier
 * shapes instead of over them: they must all keep replaying.
 */
function tagged(name: string): string {
  const tag = process.env.RECORD_HISTORIES_TAG;
  return tag ? name.replace(/^([A-Za-z]+)-/, `$1-${tag}-`) : name;
}

export function writeHistoryFixture(name: string, workflowId: string, runId?: string): void {
  const run = runId ? ['--run-id', runId] : [];
  const json = execFileSync(
    testCliPath(),
    ['workflow', 'show', '--workflow-id', workflowId, ...run, '--output', 'json', '--address', testTemporalAddress()],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${tagged(name)}.json`), json);
}
