import { readFileSync } from 'node:fs';
import { connectForBackgroundWork } from '@wmsi/queue';
import { sql } from 'kysely';
import type { BenchEnv } from './bench-run.js';
import { cpuMeter, type ProcessGroups } from './cpu-share.js';
import { reasonOf, withDeadline } from './deadline.js';
import { onFreshStack, type FreshStack } from './fresh-stack.js';
import { checkOracle } from './oracle-check.js';
import { runStream, sustainedVerdict } from './pipeline-stream.js';
import { measured, type Failed, type Outcome, type StreamRun } from './report-model.js';
import { stalenessOf } from './staleness.js';
import { readTimeSpent, type TimeSpent } from './time-spent.js';

/** What a stream may take beyond its seconds: sending late (the gateway slower than the rate). */
const SENDING_SLACK_MS = 120_000;
/** Settling after the last 202: far beyond "sustained" (10 s), so that the oracle can still check. */
const DRAIN_MS = 120_000;
const ORACLE_MS = 180_000;
/** Creating and migrating the database, starting and stopping the stack, reading the jobs. */
const STACK_MS = 120_000;

/** How long a stream of `seconds` may take at most, everything included. */
export const streamDeadlineMs = (seconds: number) => seconds * 1000 + SENDING_SLACK_MS + DRAIN_MS + ORACLE_MS + STACK_MS;

const failedWith = (error: unknown): Failed => ({ error: reasonOf(error) });

/** Whether a pid is a process of this machine running `program` (a server elsewhere has other pids). */
const runsHere = (pid: number, program: string) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith(program);
  } catch {
    return false;
  }
};

/**
 * The processes a stream keeps busy: every app of the stack, this run's PostgreSQL backends, the
 * Redis server (shared with whatever else uses it) and the bench itself, which also simulates.
 */
async function streamProcesses(fresh: FreshStack): Promise<ProcessGroups> {
  const redis = connectForBackgroundWork(fresh.redisUrl, () => undefined);
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server').catch(() => ''))?.[1] ?? 0);
  redis.disconnect();
  return async () => {
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(fresh.db);
    const apps = Object.entries(fresh.stack.pids()).map(([name, pid]) => [name, [pid]] as const);
    return {
      ...Object.fromEntries(apps),
      'PostgreSQL (this run\'s connections)': rows.map((row) => row.pid).filter((pid) => runsHere(pid, 'postgres')),
      'Redis (the whole server)': runsHere(redisPid, 'redis') ? [redisPid] : [],
      'bench and simulator': [process.pid],
    };
  };
}

/**
 * One simulated stream at `rate` for `seconds` on a fresh database and stack, and all the bench
 * learns from it: latency and backlog, whether it kept up, where the time went, the oracle's check
 * and the staleness a warehouse would see. Throws a DeadlineError when the sending did not finish in
 * time (the rate was far out of reach).
 */
export async function measureStream(env: BenchEnv, options: { rate: number; seconds: number; name: string }): Promise<StreamRun> {
  const warmUpSeconds = env.warmUpSeconds ?? 0;
  const { result, end } = await onFreshStack(env, async (fresh) => {
    const { summary, oracle, samples, cpu } = await runStream({
      gatewayUrl: fresh.stack.gatewayUrl,
      apiUrl: fresh.stack.apiUrl,
      keys: fresh.keys,
      token: fresh.token,
      redisUrl: fresh.redisUrl,
      prefix: fresh.prefix,
      rate: options.rate,
      seconds: options.seconds,
      warmUpSeconds,
      sendDeadlineMs: (options.seconds + warmUpSeconds) * 1000 + SENDING_SLACK_MS,
      drainDeadlineMs: DRAIN_MS,
      cpu: cpuMeter(await streamProcesses(fresh)),
    });
    const verdict = sustainedVerdict(summary);
    env.log(
      `${options.name}: achieved ${summary.achievedRate}/s, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms; ` +
        `${verdict.sustained ? 'kept up' : `did not keep up: ${verdict.reason}`}`,
    );
    const timeSpent: Outcome<TimeSpent> = await readTimeSpent({ redisUrl: fresh.redisUrl, prefix: fresh.prefix, appliedToEvent: samples.appliedToEvent, measuredFromMs: samples.measuredFromMs }).catch(failedWith);
    const checked =
      summary.drainSeconds === null
        ? { error: `the pipeline did not settle in time to check it (${summary.settleError ?? 'unknown'})` }
        : await withDeadline(checkOracle(fresh.db, fresh.stack.apiUrl, fresh.token, oracle), ORACLE_MS, 'the oracle check').catch(failedWith);
    if (measured(checked)) env.log(`${options.name}: oracle: ${checked.checked} records, ${checked.lost} lost, ${checked.wrong} wrong, ${checked.appliedTwice} applied twice`);
    const staleness = samples.latencies.length === 0 ? { skipped: 'no change event was measured' } : stalenessOf(samples.latencies.map((l) => l.ms), { source: options.name, seed: options.rate });
    return { summary, ...verdict, oracle: checked, timeSpent, staleness, cpu: cpu ?? { skipped: 'not read' } };
  });
  // PostgreSQL's count is final only once the stack's connections ended.
  const timeSpent = measured(result.timeSpent) ? { ...result.timeSpent, deadlocks: { ...result.timeSpent.deadlocks, postgres: end.postgresDeadlocks } } : result.timeSpent;
  return { rate: options.rate, seconds: options.seconds, ...result, timeSpent, peakRssMb: end.peakRssMb };
}
