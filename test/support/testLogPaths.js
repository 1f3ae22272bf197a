/**
 * Where a test file's SDK and application logs go:
 * .data/test/logs/<run>/<the test file's path under test/>.log. One folder per run, because
 * engineers sharing a working tree run suites at the same time. Plain CommonJS because the
 * reporter that prints them (testLogReporter.js) loads untransformed.
 */
/* global __dirname */
const fs = require('node:fs');
const path = require('node:path');

const TEST_DIR = path.join(__dirname, '..');
const LOG_DIR = path.join(TEST_DIR, '..', '.data', 'test', 'logs');
/** Set by the reporter in the Jest process, inherited by test files and workers. */
const RUN_ENV = 'FAREFLOW_TEST_LOG_RUN';
const KEEP_RUNS_MS = 24 * 60 * 60 * 1000;

function logFileFor(testPath) {
  return path.join(LOG_DIR, process.env[RUN_ENV] ?? 'outside-a-run', `${path.relative(TEST_DIR, testPath)}.log`);
}

/** Names this run's folder (once, in the Jest process) and removes those of runs a day old. */
function beginRun() {
  process.env[RUN_ENV] ??= `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  let entries = [];
  try {
    entries = fs.readdirSync(LOG_DIR, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const folder = path.join(LOG_DIR, entry.name);
    try {
      if (Date.now() - fs.statSync(folder).mtimeMs > KEEP_RUNS_MS) fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

module.exports = { LOG_DIR, logFileFor, beginRun };
