import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, which CI
 * reads to know how many tests ran. A run that executed no test is reported as failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      // A file that failed outside any test (an import, a beforeAll) counts as one failure,
      // even when its tests were then skipped.
      const tests = [...testModule.children.allTests()];
      if (testModule.state() === "failed" && !tests.some((t) => t.result().state === "failed"))
        failed++;
      for (const test of tests) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    if (passed + failed === 0) {
      process.stdout.write("No test was executed: treating the run as a failure.\n");
      process.exitCode = 1;
    }
  }
}
