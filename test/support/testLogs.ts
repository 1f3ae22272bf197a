/**
 * One log file per test file for what the Temporal SDK (Runtime logger) and the application
 * (pino) say: a passing run stays quiet, and testLogReporter.js prints the file of a test
 * file that failed. Outside a test file (global setup) lines still go to stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { logFileFor } from './testLogPaths';

let current: string | null = null;
const beforeFileEnds: Array<() => void | Promise<void>> = [];

/** Called once per test file, before its tests (testLogSetup.ts): starts an empty log. */
export function beginTestFileLog(testPath: string): string {
  const file = logFileFor(testPath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  current = file;
  return file;
}

/** Synchronous, so the file is complete when the reporter reads it. */
export function writeTestLog(text: string): void {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  if (!current) return void process.stderr.write(line);
  try {
    fs.appendFileSync(current, line);
  } catch {
    // The folder was removed under us (an old run's logs pruned): a log line must not fail a test.
    try {
      fs.mkdirSync(path.dirname(current), { recursive: true });
      fs.appendFileSync(current, line);
    } catch {
      process.stderr.write(line);
    }
  }
}

/** A pino destination writing into the test file's log. */
export function testLogStream(): { write(chunk: string): void } {
  return { write: (chunk: string) => writeTestLog(chunk) };
}

/** Runs once after the test file's last test (testLogSetup.ts), e.g. to flush buffered logs. */
export function beforeTestFileEnds(callback: () => void | Promise<void>): void {
  beforeFileEnds.push(callback);
}

export async function endTestFileLog(): Promise<void> {
  for (const callback of beforeFileEnds.splice(0)) await callback();
}
