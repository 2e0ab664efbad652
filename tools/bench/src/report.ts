/**
 * npm run bench: the whole of WMSi measured in one run on this machine against the targets of
 * issue 12, written as a report (markdown, JSON, SVG charts) under tools/bench/results/<time>/.
 *
 *   1. intake: the gateway against a bare Fastify JSON-POST route, same payload, same wrk load;
 *   2. worker apply: the worker's write path against PostgreSQL's own batched upsert;
 *   3. latency steps: 100/s and 500/s, for the p99 targets;
 *   4. end to end: the target load, 1,000 notifications/s for 60 s with the simulator's mix, and
 *      the oracle's check;
 *   5. rate steps above it (1,500, 2,000, 2,500/s) until one is not sustained;
 *   then, from the streams of 3 to 5 (each on a fresh database and stack): where the time went per
 *   stage, the staleness a warehouse sees against polling, and the peak RSS of every process.
 *
 *   npm run bench [-- --rate 1000 --duration 60 --latency-steps 100,500 --latency-duration 60
 *                     --steps 1500,2000,2500 --step-duration 60 --intake-seconds 10
 *                     --worker-apply-count 300 --phases intake,worker-apply,latency,e2e,steps]
 *
 * The report is rewritten after every phase, so a run that dies still leaves what it measured.
 * Every phase has a deadline; one that fails or runs out of time is reported as not measured and
 * the bench goes on. The exit code is 1 when something failed (a phase, or an oracle's check).
 * BENCH_PROFILE_DIR=<folder> writes a V8 CPU profile of every app the bench starts.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '@wmsi/config';
import { readBenchOptions, USAGE } from './bench-options.js';
import { createBenchRun, type BenchRun } from './bench-run.js';
import { reasonOf } from './deadline.js';
import { runEndToEndPhase } from './phases/end-to-end.js';
import { runIntakePhase } from './phases/intake.js';
import { runLatencyPhase } from './phases/latency.js';
import { runMemoryPhase } from './phases/memory.js';
import { runStalenessPhase } from './phases/staleness.js';
import { runSustainedPhase } from './phases/sustained.js';
import { runWorkerApplyPhase } from './phases/worker-apply.js';
import { renderMarkdown } from './report-markdown.js';
import type { BenchReport } from './report-model.js';

/** The phases in the order they run; the last three only read what the streams measured. */
const PHASE_RUNNERS: ReadonlyArray<(run: BenchRun) => Promise<void> | void> = [
  runIntakePhase,
  runWorkerApplyPhase,
  runLatencyPhase,
  runEndToEndPhase,
  runSustainedPhase,
  runMemoryPhase,
  runStalenessPhase,
];

/** Cleans up, writes the report a last time, and gives the exit code. */
async function finish(run: BenchRun, status: BenchReport['status']): Promise<number> {
  await run.cleanUp();
  const { report } = run;
  report.status = status;
  delete report.running;
  report.finishedAt = new Date().toISOString();
  run.save();
  console.log(`\n${renderMarkdown(report)}`);
  run.log(`written to ${run.folder}`);
  const failures = report.failures ?? [];
  if (failures.length > 0) run.log(`failed: ${failures.join('; ')}`);
  return failures.length > 0 ? 1 : 0;
}

/** What a phase leaves undefined when the bench itself failed in it: the first still empty. */
function recordBenchFailure(report: BenchReport, error: unknown): void {
  const pending = (['intake', 'workerApply', 'latency', 'endToEnd', 'sustained', 'memory', 'staleness'] as const).find((key) => report[key] === undefined);
  if (pending !== undefined) report[pending] = { error: reasonOf(error) };
}

async function main(): Promise<number> {
  let options;
  try {
    options = readBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${reasonOf(error)}\n${USAGE}`);
    return 2;
  }
  const env = loadEnv();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const folder = fileURLToPath(new URL(`../results/${stamp}`, import.meta.url));
  mkdirSync(folder, { recursive: true });
  const run = createBenchRun(options, { databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, folder, profileDir: process.env.BENCH_PROFILE_DIR });

  let finishing: Promise<number> | undefined;
  for (const [signal, code] of [['SIGINT', 2], ['SIGTERM', 15]] as const) {
    process.once(signal, () => {
      run.log(`${signal}: stopping; the report keeps what was measured so far`);
      void (finishing ??= finish(run, 'interrupted')).then(() => process.exit(128 + code));
    });
  }
  run.save();
  try {
    for (const phase of PHASE_RUNNERS) await phase(run);
  } catch (error) {
    // A bug of the bench itself: keep what was measured, say what happened, clean up all the same.
    run.log(`failed: ${reasonOf(error, 4_000)}`);
    recordBenchFailure(run.report, error);
  }
  return (finishing ??= finish(run, 'done'));
}

process.exit(await main());
