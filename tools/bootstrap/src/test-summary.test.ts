import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTestSummary, summarizeTestReports } from './test-summary.mjs';
import { temporaryFolder } from './test-support.js';

const passed = { status: 'passed', assertionResults: [{ status: 'passed' }] };

describe('the test summary', () => {
  it('adds up the reports of every project into one line', () => {
    const folder = temporaryFolder('reports');
    try {
      const dir = join(folder.dir, 'test-results');
      mkdirSync(dir);
      const report = (name: string, counts: object, testResults: object[] = [passed]) =>
        writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...counts, testResults }));
      report('libs-db', { numPassedTests: 12, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1 });
      report('apps-gateway', { numPassedTests: 30, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 });
      report('libs-queue', { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 }, [{ status: 'failed', assertionResults: [] }]);
      writeFileSync(join(dir, 'half-written.json'), '{"numPassed');

      const summary = summarizeTestReports(dir);
      expect(summary).toEqual({ passed: 42, failed: 1, skipped: 3, brokenFiles: 1, projects: 3 });
      expect(formatTestSummary(summary)).toBe('tests: 42 passed, 1 failed, 3 skipped (and 1 test file that failed before running)');
    } finally {
      folder.remove();
    }
  });

  it('prints the plain line when nothing was skipped or broken', () => {
    expect(formatTestSummary({ passed: 7, failed: 0, skipped: 0, brokenFiles: 0, projects: 1 })).toBe('tests: 7 passed, 0 failed');
  });

  it('counts nothing when no report was written', () => {
    expect(summarizeTestReports('/nonexistent/test-results')).toMatchObject({ passed: 0, failed: 0, projects: 0 });
  });
});
