import type { BenchRun } from '../bench-run.js';
import { gapSection, num, type Verdict } from '../markdown-format.js';
import { isFailed, measured, type BenchReport } from '../report-model.js';
import { TARGETS } from '../targets.js';
import { measureWorkerApply } from '../worker-apply.js';

/**
 * The worker's write path against PostgreSQL's own batched upsert, in the same database and run
 * (see worker-apply.ts): how much of the database's write capacity the worker turns into rows.
 */
export async function runWorkerApplyPhase(run: BenchRun): Promise<void> {
  if (!run.wanted('worker-apply')) return;
  run.running(`worker apply: 40-line purchase orders against a batched upsert (${run.options.workerApplyCount} each)`);
  const outcome = await run.attempt('worker apply', 600_000, () => measureWorkerApply({ count: run.options.workerApplyCount }));
  run.report.workerApply = isFailed(outcome) ? outcome : { ...outcome, lowestRatio: Math.min(...judged(outcome.results).map((r) => r.ratio)) };
  run.save();
}

/**
 * The rows the target is judged on: jobs of a burst's size, where rows/s matters (a quiet stream's
 * one-notification jobs are shown too, but their rate is bounded by the stream, not the worker).
 */
function judged<Row extends { perJob: number }>(rows: readonly Row[]): Row[] {
  const burst = Math.max(...rows.map((r) => r.perJob));
  return rows.filter((r) => r.perJob === burst);
}

/** The headline row: the lowest ratio of all mixes and concurrencies, in a burst's jobs, must reach the target. */
export function workerApplyTarget(report: BenchReport): [string, Verdict] | undefined {
  const result = report.workerApply;
  if (!measured(result)) return undefined;
  const lowest = judged(result.results).reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return [
    `lowest ${lowest.ratio.toFixed(2)}x (${lowest.mix}, ${lowest.perJob} per job, ${lowest.concurrency} applier${lowest.concurrency > 1 ? 's' : ''}: ${num(lowest.rowsPerSecond, 0)} vs ${num(lowest.yardstickRowsPerSecond, 0)} rows/s)`,
    result.lowestRatio >= TARGETS.workerApplyRatio ? 'met' : 'missed',
  ];
}

export function workerApplySection(report: BenchReport): string[] {
  const result = report.workerApply;
  const title = '## Worker apply against PostgreSQL\'s batched upsert';
  if (!measured(result)) return gapSection(title, result, report.status);
  return [
    title,
    '',
    `${result.lines}-line purchase orders through the receiving change handler (as the worker applies them) and, in the same database, ` +
      `PostgreSQL ${result.postgres}'s own ${result.lines}-row \`INSERT ... ON CONFLICT DO UPDATE\`: ${result.count} notifications (statements) per row of the table after ${result.warmUp} to warm up.`,
    '',
    '| mix | notifications per job | appliers | notifications/s | rows/s | PostgreSQL upsert rows/s | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...result.results.map(
      (r) =>
        `| ${r.mix} | ${r.perJob} | ${r.concurrency} | ${num(r.notificationsPerSecond, 0)} | ${num(r.rowsPerSecond, 0)} | ${num(r.yardstickRowsPerSecond, 0)} | ${r.ratio.toFixed(2)} |`,
    ),
    '',
    `Target: every ratio of a burst's jobs >= ${TARGETS.workerApplyRatio} (the lowest is ${result.lowestRatio.toFixed(2)}).`,
    '',
  ];
}
