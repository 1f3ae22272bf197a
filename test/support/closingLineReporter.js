/**
 * Ends a run with one plain line, `tests: N passed, N failed, N skipped`, that any CI can read
 * without knowing Jest's own summary format. Jest prints its summary after every reporter, so
 * the line is handed to the run's top-level globalTeardown (printClosingLine.ts), which Jest
 * runs once, after every project's own teardown, to print.
 */
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    globalThis.__fareflowClosingLine = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
  }
}

module.exports = ClosingLineReporter;
