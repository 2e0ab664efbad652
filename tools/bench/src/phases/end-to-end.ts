import type { BenchRun } from '../bench-run.js';
import { cell, gapSection, missing, ms, num } from '../markdown-format.js';
import { measured, type BenchReport } from '../report-model.js';
import { TARGETS } from '../targets.js';
import { measureRateStep } from './rate-step.js';

/**
 * The target load (1,000 notifications/s for 60 s by default) on a fresh database and stack, with
 * the simulator's mix: 20 % split pairs, 5 % duplicates, 5 % late.
 */
export async function runEndToEndPhase(run: BenchRun): Promise<void> {
  if (!run.wanted('e2e')) return;
  const { rate, duration } = run.options;
  const step = await measureRateStep(run, { rate, seconds: duration, name: 'end to end' });
  run.report.endToEnd = step.run ?? { error: step.timedOut ?? step.error ?? 'not measured' };
  run.save();
}

export function endToEndSection(report: BenchReport): string[] {
  const e2e = report.endToEnd;
  const title = `## End to end: ${num(report.options.rate)} notifications/s for ${report.options.duration} s (20 % split, 5 % duplicates, 5 % late)`;
  if (!measured(e2e)) return gapSection(title, e2e, report.status);
  const s = e2e.summary;
  const resent = Object.entries(s.resent);
  const lines = [
    title,
    '',
    `The gateway acknowledged ${num(s.achievedRate)} notifications/s while the simulator sent (${num(s.notifications, 0)} notifications in ${num(s.requests, 0)} accepted requests` +
      `${resent.length > 0 ? `; resent after ${resent.map(([status, n]) => `${n} x ${status}`).join(', ')}` : ''}${s.gaveUp > 0 ? `; **${s.gaveUp} given up on**` : ''}); ${num(s.events, 0)} change events matched.`,
    `202 -> change event on sync.changes (removals excluded): p50 ${ms(s.p50Ms)}, p90 ${ms(s.p90Ms)}, p99 ${ms(s.p99Ms)}, max ${ms(s.maxMs)}.`,
  ];
  const oracle = e2e.oracle;
  if (measured(oracle)) {
    lines.push(
      `Oracle: ${num(oracle.checked, 0)} records checked in PostgreSQL: ${num(oracle.lost, 0)} lost, ${num(oracle.wrong, 0)} wrong, ${num(oracle.appliedTwice, 0)} applied twice; ` +
        `${num(oracle.apiChecked, 0)} documents through the API: ${num(oracle.apiLost, 0)} lost, ${num(oracle.apiWrong, 0)} wrong.`,
    );
    if (oracle.differences.length > 0) lines.push('', 'First differences:', '', ...oracle.differences.slice(0, 10).map((d) => `- ${cell(d)}`), '');
  } else {
    lines.push(`Oracle: ${missing(oracle, report.status)?.text ?? 'pending'}.`);
  }
  lines.push(
    `The last request (late and duplicate deliveries included) was accepted ${s.sendingSeconds} s after the first; ` +
      (s.drainSeconds === null ? `the backlog did not drain in time: ${cell(s.settleError ?? 'unknown')}.` : `the backlog drained ${s.drainSeconds} s after that.`),
    e2e.sustained
      ? `Kept up: ${num(e2e.rate)}/s counts as sustained (target >= ${num(TARGETS.sustainedRate)}/s).`
      : `Did not keep up: ${cell(e2e.reason ?? 'unknown')}.`,
  );
  if (s.subscriptionError !== undefined) lines.push(`The sync.changes subscription reported an error: ${cell(s.subscriptionError)}.`);
  lines.push('', '![latency over time](latency.svg)', '', 'Latency and backlog second by second: `endToEnd.summary.timeline` in report.json.', '');
  return lines;
}
