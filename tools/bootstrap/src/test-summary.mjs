import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {object} TestSummary
 * @property {number} passed
 * @property {number} failed
 * @property {number} skipped        skipped and todo tests
 * @property {number} brokenFiles    test files that failed without a failing test (e.g. did not load)
 * @property {number} projects       JSON reports read
 */

/**
 * Sums the JSON reports vitest writes per project (see vitest.shared.ts) into one count.
 * @param {string} dir
 * @returns {TestSummary}
 */
export function summarizeTestReports(dir) {
  const summary = { passed: 0, failed: 0, skipped: 0, brokenFiles: 0, projects: 0 };
  if (!existsSync(dir)) return summary;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    /** @type {any} */
    let report;
    try {
      report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch {
      continue; // a run killed while writing: its failure shows in nx's output
    }
    summary.projects += 1;
    summary.passed += report.numPassedTests ?? 0;
    summary.failed += report.numFailedTests ?? 0;
    summary.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const result of report.testResults ?? []) {
      const failedTests = (result.assertionResults ?? []).filter((/** @type {any} */ test) => test.status === 'failed');
      if (result.status === 'failed' && failedTests.length === 0) summary.brokenFiles += 1;
    }
  }
  return summary;
}

/**
 * The one plain line `npm test` ends with: "tests: 41 passed, 0 failed, 2 skipped".
 * @param {TestSummary} summary
 */
export function formatTestSummary({ passed, failed, skipped, brokenFiles }) {
  let line = `tests: ${passed} passed, ${failed} failed`;
  if (skipped > 0) line += `, ${skipped} skipped`;
  if (brokenFiles > 0) line += ` (and ${brokenFiles} test ${brokenFiles === 1 ? 'file' : 'files'} that failed before running)`;
  return line;
}
