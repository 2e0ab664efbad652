import type { BenchRun } from '../bench-run.js';
import { formatAge } from '../staleness-chart.js';
import { gapSection, num } from '../markdown-format.js';
import { measured, streamRuns, type BenchReport } from '../report-model.js';
import { POLL_INTERVALS_SECONDS } from '../staleness.js';

/**
 * The staleness chart for VARs comes from the end-to-end run (the target load) when there is one,
 * else from the fastest stream that was measured: each stream computed its own.
 */
export function runStalenessPhase(run: BenchRun): void {
  const runs = streamRuns(run.report).filter(({ run: stream }) => measured(stream.staleness));
  const chosen = measured(run.report.endToEnd) && measured(run.report.endToEnd.staleness) ? run.report.endToEnd : runs.sort((a, b) => b.run.rate - a.run.rate)[0]?.run;
  run.report.staleness = chosen !== undefined && measured(chosen.staleness) ? chosen.staleness : { skipped: 'no stream measured any change event' };
  run.save();
}

export function stalenessSection(report: BenchReport): string[] {
  const staleness = report.staleness;
  const polls = POLL_INTERVALS_SECONDS.map((s) => (s < 120 ? `${s} s` : `${s / 60} min`)).join(' and ');
  const title = `## Staleness: WMSi against polling every ${polls}`;
  if (!measured(staleness)) return gapSection(title, staleness, report.status);
  const perRun = streamRuns(report).flatMap(({ name, run }) => {
    if (!measured(run.staleness)) return [];
    const [pushed, ...polled] = run.staleness.curves;
    return [`| ${name} | ${formatAge(pushed.p50Ms)} / ${formatAge(pushed.p99Ms)} | ${polled.map((c) => `${formatAge(c.p50Ms)} / ${formatAge(c.p99Ms)}`).join(' | ')} |`];
  });
  return [
    title,
    '',
    `How old the ERP's data is when a warehouse client can act on it, over the ${num(staleness.changes, 0)} change events of the ${staleness.source} stream. ${staleness.model}`,
    '',
    '| | p50 | p90 | p99 | visible within 1 s |',
    '|---|---:|---:|---:|---:|',
    ...staleness.curves.map((c) => `| ${c.name} | ${formatAge(c.p50Ms)} | ${formatAge(c.p90Ms)} | ${formatAge(c.p99Ms)} | ${num(c.withinOneSecondPercent)} % |`),
    '',
    '![staleness](staleness.svg)',
    '',
    'Every stream of this run (p50 / p99):',
    '',
    `| stream | WMSi | ${staleness.curves.slice(1).map((c) => c.name).join(' | ')} |`,
    `|---|---:|${staleness.curves.slice(1).map(() => '---:').join('|')}|`,
    ...perRun,
    '',
  ];
}
