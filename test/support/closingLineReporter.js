/**
 * Ends a run with one plain line, `tests: N passed, N failed, N skipped`, that any CI can read
 * without knowing Jest's own summary format.
 */
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stderr.write(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}

module.exports = ClosingLineReporter;
