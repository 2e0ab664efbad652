import { cell, missing, ms, num, spreadCells } from '../markdown-format.js';
import { measured, streamRuns, type BenchReport, type StreamRun } from '../report-model.js';
import type { TimeSpent } from '../time-spent.js';

const counted = (n: number | null) => (n === null ? 'not counted' : num(n, 0));

/** One stream's stages, retries and deadlocks. */
function streamTimeSpent(name: string, run: StreamRun, status: BenchReport['status']): string[] {
  const title = `### ${name}`;
  const spent = run.timeSpent;
  if (!measured(spent)) return [title, '', missing(spent, status)?.text ?? 'pending', ''];
  const s = run.summary;
  return [
    title,
    '',
    '| stage | p50 | p90 | p99 | max | measured as |',
    '|---|---:|---:|---:|---:|---|',
    ...spent.stages.map((stage) => `| ${stage.stage} | ${spreadCells(stage.ms).join(' | ')} | ${cell(stage.from)} |`),
    `| **202 -> event received (total)** | ${ms(s.p50Ms)} | ${ms(s.p90Ms)} | ${ms(s.p99Ms)} | ${ms(s.maxMs)} | the bench's own clock, per event, removals excluded |`,
    '',
    jobsLine(spent),
    troubleLine(spent),
    cpuLine(run),
    '',
  ];
}

function cpuLine(run: StreamRun): string {
  if (!measured(run.cpu)) return 'CPU: not measured.';
  const { cpu } = run;
  const busiest = Object.entries(cpu.percentOfOneCore).sort(([, a], [, b]) => b - a);
  const total = busiest.reduce((sum, [, percent]) => sum + percent, 0);
  return (
    `CPU while the simulator sent its measured seconds (${cpu.seconds} s after the warm-up; percent of one core, ${cpu.cores} cores = ${cpu.cores * 100} %): ` +
    `${busiest.map(([name, percent]) => `${name} ${num(percent, 0)} %`).join(', ')}; together ${num(total, 0)} %.`
  );
}

function jobsLine(spent: TimeSpent): string {
  const perJob = spent.jobs.notificationsPerJob;
  return (
    `Jobs: ${num(spent.jobs.sampled, 0)} of the measured seconds, of ${num(spent.jobs.completed, 0)} completed jobs (${num(spent.jobs.notifications, 0)} notifications)` +
    (perJob === null ? '.' : `; notifications per job p50 ${num(perJob.p50)}, p99 ${num(perJob.p99)}, max ${num(perJob.max)}.`)
  );
}

function troubleLine(spent: TimeSpent): string {
  const { retries, deadlocks } = spent;
  return (
    `Retries: ${num(retries.failedAttempts, 0)} failed attempts in all (workers' \`failures\`), ${num(retries.sampledJobsRetried, 0)} of the jobs read retried ` +
    `(${num(retries.sampledExtraAttempts, 0)} extra attempts), workers' retry count ${counted(retries.counted)}, ${num(retries.deadLettered, 0)} dead-lettered. ` +
    `Deadlocks: PostgreSQL ${counted(deadlocks.postgres)}, workers' count ${counted(deadlocks.counted)}.`
  );
}

export function timeSpentSection(report: BenchReport): string[] {
  const runs = streamRuns(report);
  const lines = [
    '## Where the time went',
    '',
    'Per stage, from what the pipeline keeps anyway: the intake id (its first part is the time of the 202), BullMQ\'s completed jobs ' +
      '(`timestamp` when the dispatcher queued it, `processedOn` when a worker started it, `finishedOn` just after its last commit, `attemptsMade`), ' +
      'each change event\'s `appliedAt` and the time it reached the bench\'s own subscription. The job stages are read from a sample of the completed jobs spread evenly over the run, of which only the jobs whose notifications were all accepted after the warm-up count, as only the events applied after it do. ' +
      'A job\'s stages hold for each of its notifications, so "committed" is an upper bound for a notification early in a large job, and "written -> event received" counts from the start of the writing transaction: the two overlap by the write itself.',
    '',
  ];
  if (runs.length === 0) return [...lines, 'No stream was measured.', ''];
  return [...lines, ...runs.flatMap(({ name, run }) => streamTimeSpent(name, run, report.status))];
}
