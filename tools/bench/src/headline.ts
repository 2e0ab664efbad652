import { cell, missing, num, type Verdict } from './markdown-format.js';
import { intakeTargets } from './phases/intake.js';
import { latencyTarget } from './phases/latency.js';
import { memoryTargets } from './phases/memory.js';
import { sustainedTargets } from './phases/sustained.js';
import { workerApplyTarget } from './phases/worker-apply.js';
import { isFailed, measured, streamRuns, type BenchReport, type OracleResult, type Outcome } from './report-model.js';
import { TARGETS } from './targets.js';

/** One target of issue 12, what this run measured for it, and whether it was met. */
export interface TargetRow {
  target: string;
  goal: string;
  measured: string;
  verdict: Verdict;
}

/** The oracle's findings over every stream of the run: each ran on its own database. */
function oracleTarget(report: BenchReport): [string, Verdict] | undefined {
  const runs = streamRuns(report);
  const results = runs.flatMap(({ run }) => (measured(run.oracle) ? [run.oracle] : []));
  const unchecked = runs.filter(({ run }) => !measured(run.oracle)).map(({ name }) => name);
  if (results.length === 0) return unchecked.length === 0 ? undefined : [`not checked (${unchecked.join(', ')})`, 'not measured'];
  const sum = (pick: (o: OracleResult) => number) => results.reduce((total, o) => total + pick(o), 0);
  const off = sum((o) => o.lost + o.wrong + o.appliedTwice + o.apiLost + o.apiWrong);
  const text =
    `${num(sum((o) => o.lost), 0)} lost, ${num(sum((o) => o.wrong), 0)} wrong, ${num(sum((o) => o.appliedTwice), 0)} applied twice of ${num(sum((o) => o.checked), 0)} records ` +
    `in ${results.length} stream${results.length > 1 ? 's' : ''}; API ${num(sum((o) => o.apiLost + o.apiWrong), 0)} of ${num(sum((o) => o.apiChecked), 0)} off` +
    (unchecked.length > 0 ? `; not checked: ${unchecked.join(', ')}` : '');
  return [text, off > 0 ? 'missed' : unchecked.length > 0 ? 'not measured' : 'met'];
}

/** The phase a row is measured in: what to say when it holds no figures. */
function row(report: BenchReport, target: string, goal: string, source: Outcome<object>, figures: [string, Verdict] | undefined): TargetRow {
  const gap = missing(source, report.status);
  if (figures !== undefined) return { target, goal, measured: figures[0], verdict: figures[1] };
  if (gap !== undefined) return { target, goal, measured: gap.text, verdict: gap.verdict };
  return { target, goal, measured: report.status === 'running' ? 'pending' : 'not measured', verdict: report.status === 'running' ? 'pending' : 'not measured' };
}

/** Every target of issue 12 with this run's figure and verdict, in the order. */
export function targetRows(report: BenchReport): TargetRow[] {
  const sustained = sustainedTargets(report);
  const intake = intakeTargets(report);
  const memory = memoryTargets(report);
  const anyStream = [report.endToEnd, report.latency, report.sustained].find((outcome) => outcome !== undefined && !isFailed(outcome)) ?? report.endToEnd;
  return [
    row(report, 'Sustained end to end, simulator\'s mix', `>= ${num(TARGETS.sustainedRate)}/s for ${TARGETS.sustainedSeconds} s`, report.sustained, sustained?.target),
    ...TARGETS.p99AtRate.map((t) =>
      row(report, `p99 202 -> event at ${num(t.rate)}/s (removals excluded)`, `<= ${t.p99Ms} ms`, report.latency, latencyTarget(report, t)),
    ),
    row(report, 'Worker rows/s vs PostgreSQL\'s batched upsert', `>= ${TARGETS.workerApplyRatio}x`, report.workerApply, workerApplyTarget(report)),
    row(report, 'Intake throughput vs bare Fastify (32 connections)', `>= ${TARGETS.intakeThroughputRatio}x`, report.intake, intake?.[0]),
    row(report, 'Intake p99 vs bare Fastify', `<= ${TARGETS.intakeP99Ratio}x`, report.intake, intake?.[1]),
    row(report, 'Oracle after every stream', '0 lost, 0 wrong, 0 applied twice', anyStream, oracleTarget(report)),
    row(report, 'Gateway peak RSS', `<= ${TARGETS.gatewayRssMb} MB`, report.memory, memory?.gateway),
    row(report, 'Worker peak RSS (highest)', `<= ${TARGETS.workerRssMb} MB each`, report.memory, memory?.workers),
    row(report, 'Stretch: sustained end to end', `>= ${num(TARGETS.stretchRate)}/s`, report.sustained, sustained?.stretch),
  ];
}

export function headlineTable(report: BenchReport): string[] {
  return [
    '| target | goal | measured | |',
    '|---|---|---|---|',
    ...targetRows(report).map((r) => `| ${r.target} | ${r.goal} | ${cell(r.measured)} | ${r.verdict} |`),
  ];
}
