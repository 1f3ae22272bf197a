/**
 * Prints a test file's SDK and application log (testLogs.ts) right after the result of a test
 * file that failed; a passing file's log stays in .data/test/logs/ and out of the output.
 */
const fs = require('node:fs');
const path = require('node:path');
const { beginRun, logFileFor } = require('./testLogPaths');

/** A runaway log is cut to its end: the lines before a failure are the ones that explain it. */
const MAX_BYTES = 256 * 1024;

class TestLogReporter {
  constructor() {
    beginRun();
  }

  onTestResult(test, result) {
    if (result.numFailingTests === 0 && !result.testExecError) return;
    const file = logFileFor(test.path);
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    if (!text.trim()) return;
    const cut = text.length > MAX_BYTES ? `… (${text.length - MAX_BYTES} earlier characters in the file)\n${text.slice(-MAX_BYTES)}` : text;
    const name = path.relative(process.cwd(), test.path);
    process.stderr.write(
      `\n── logs of ${name} (${path.relative(process.cwd(), file)}) ──\n${cut.trimEnd()}\n── end of logs of ${name} ──\n\n`,
    );
  }
}

module.exports = TestLogReporter;
