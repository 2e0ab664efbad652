import { readAllTopicStats, type TopicStats } from '@wmsi/change-feed';
import type { Database } from '@wmsi/db';
import { connectForBackgroundWork, openQueuesInUse } from '@wmsi/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { spreadOf, type Spread } from './percentiles.js';
import type { AppliedToEvent } from './stream-latency.js';

/**
 * Where the time of a stream went, stage by stage, and what went wrong on the way (retries,
 * deadlocks), read after the stream drained from what the pipeline keeps anyway: BullMQ's completed
 * jobs, the per-topic stats in Redis and PostgreSQL's own counters.
 */
export interface TimeSpent {
  jobs: {
    /** Completed notification jobs BullMQ still kept (newest 10,000 per queue, for an hour). */
    completed: number;
    /** Of those, how many were read (evenly spread over the run, at most MAX_SAMPLED_JOBS) and kept: those of the measured seconds. */
    sampled: number;
    notifications: number;
    notificationsPerJob: Spread | null;
  };
  stages: StageSpread[];
  retries: {
    /** Sampled jobs that needed more than one attempt, and the attempts beyond the first. */
    sampledJobsRetried: number;
    sampledExtraAttempts: number;
    /** Every failed attempt of every job (the workers' `failures` count in Redis). */
    failedAttempts: number;
    /** The workers' own count of retries, where they keep one (null: not counted). */
    counted: number | null;
    /** Jobs that ran out of attempts: the dead-letter set. */
    deadLettered: number;
  };
  deadlocks: {
    /** Deadlocks PostgreSQL detected in this run's database (pg_stat_database). */
    postgres: number | null;
    /** The workers' own count, where they keep one (null: not counted). */
    counted: number | null;
  };
}

export interface StageSpread {
  stage: string;
  /** How the stage is measured. */
  from: string;
  ms: Spread | null;
}

/** Enough for p99 per stage while keeping the read (job data carries the bodies) to a few MB. */
const MAX_SAMPLED_JOBS = 2_000;

/** A completed job's timings and the acceptance time (ms) of each of its notifications. */
interface JobTimes {
  dispatchedAt: number;
  startedAt: number;
  finishedAt: number;
  attempts: number;
  acceptedAt: number[];
}

/** Counters the lead's batch applier adds to the per-topic stats; absent until then. */
type CountedStats = TopicStats;

/**
 * Reads it all but PostgreSQL's deadlock count, which its backends report when they end: read that
 * with `postgresDeadlocks` once the stack stopped.
 */
export async function readTimeSpent(options: {
  redisUrl: string;
  prefix: string;
  appliedToEvent: readonly AppliedToEvent[];
  /** Only jobs whose notifications were all accepted from then on (epoch ms), and events applied from then on: the measured seconds. */
  measuredFromMs?: number;
}): Promise<TimeSpent> {
  const from = options.measuredFromMs ?? Number.NEGATIVE_INFINITY;
  const redis = connectForBackgroundWork(options.redisUrl, () => undefined);
  const queues = await openQueuesInUse(redis, options.prefix);
  try {
    const sampled = await sampleCompletedJobs(redis, queues);
    const completed = sampled.completed;
    const jobs = sampled.jobs.filter((job) => Math.min(...job.acceptedAt) >= from);
    const stats = Object.values(await readAllTopicStats(redis, options.prefix)) as CountedStats[];
    const deadLettered = (await Promise.all(queues.map((queue) => queue.getFailedCount()))).reduce((a, b) => a + b, 0);
    const retried = jobs.filter((job) => job.attempts > 1);
    return {
      jobs: {
        completed,
        sampled: jobs.length,
        notifications: jobs.reduce((sum, job) => sum + job.acceptedAt.length, 0),
        notificationsPerJob: spreadOf(jobs.map((job) => job.acceptedAt.length)),
      },
      stages: stagesOf(
        jobs,
        options.appliedToEvent.filter((event) => event.appliedAt >= from).map((event) => event.ms),
      ),
      retries: {
        sampledJobsRetried: retried.length,
        sampledExtraAttempts: retried.reduce((sum, job) => sum + job.attempts - 1, 0),
        failedAttempts: stats.reduce((sum, topic) => sum + topic.failures, 0),
        counted: sumIfCounted(stats, 'retries'),
        deadLettered,
      },
      deadlocks: { postgres: null, counted: sumIfCounted(stats, 'deadlocks') },
    };
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    redis.disconnect();
  }
}

/**
 * Per notification of the sampled jobs, the first three stages; per change event, the last. A
 * job's stages hold for each of its notifications; `finishedOn` comes just after its last commit,
 * so for a notification early in a large job "committed" is an upper bound.
 */
function stagesOf(jobs: readonly JobTimes[], appliedToEventMs: readonly number[]): StageSpread[] {
  const perNotification = (stage: (job: JobTimes, acceptedAt: number) => number) => spreadOf(jobs.flatMap((job) => job.acceptedAt.map((at) => stage(job, at))));
  return [
    { stage: '202 -> dispatched', from: 'job `timestamp` - intake id (the time of the 202)', ms: perNotification((job, at) => job.dispatchedAt - at) },
    { stage: 'dispatched -> job started', from: '`processedOn` - `timestamp` (queue wait, and back-off of retries)', ms: perNotification((job) => job.startedAt - job.dispatchedAt) },
    { stage: 'job started -> committed', from: '`finishedOn` - `processedOn` (the whole job)', ms: perNotification((job) => job.finishedAt - job.startedAt) },
    { stage: 'written -> event received', from: 'arrival at the subscriber - the event\'s `appliedAt` (commit, publish, API, SSE)', ms: spreadOf([...appliedToEventMs]) },
  ];
}

/** Evenly spread completed jobs of every queue, read in one pipeline (only the fields needed). */
async function sampleCompletedJobs(redis: Redis, queues: readonly Queue[]): Promise<{ completed: number; jobs: JobTimes[] }> {
  const idsPerQueue = await Promise.all(queues.map((queue) => queue.getRanges(['completed'], 0, -1, true)));
  const completed = idsPerQueue.reduce((sum, ids) => sum + ids.length, 0);
  const share = Math.min(1, MAX_SAMPLED_JOBS / Math.max(1, completed));
  const pipeline = redis.pipeline();
  queues.forEach((queue, i) => {
    const ids = idsPerQueue[i];
    const wanted = Math.round(ids.length * share);
    for (let k = 0; k < wanted; k++) pipeline.hmget(queue.toKey(ids[Math.floor((k * ids.length) / wanted)]), 'timestamp', 'processedOn', 'finishedOn', 'atm', 'data');
  });
  const replies = (await pipeline.exec()) ?? [];
  const jobs = replies.flatMap(([error, fields]) => {
    const job = error ? undefined : jobTimesOf(fields as Array<string | null>);
    return job === undefined ? [] : [job];
  });
  return { completed, jobs };
}

function jobTimesOf([timestamp, processedOn, finishedOn, attempts, data]: Array<string | null>): JobTimes | undefined {
  if (timestamp === null || processedOn === null || finishedOn === null || data === null) return undefined;
  // The intake id starts with the acceptance time in ms (a Redis stream id). Read from the raw JSON:
  // the bodies inside it are escaped strings, so the pattern cannot match within them.
  const acceptedAt = [...data.matchAll(/"intakeId":"(\d+)-\d+"/g)].map((match) => Number(match[1]));
  if (acceptedAt.length === 0) return undefined;
  return { dispatchedAt: Number(timestamp), startedAt: Number(processedOn), finishedAt: Number(finishedOn), attempts: Number(attempts ?? 1), acceptedAt };
}

function sumIfCounted(stats: readonly CountedStats[], name: 'retries' | 'deadlocks'): number | null {
  const counted = stats.filter((topic) => typeof topic[name] === 'number');
  return counted.length === 0 ? null : counted.reduce((sum, topic) => sum + (topic[name] ?? 0), 0);
}

/** Deadlocks PostgreSQL detected in the database so far (as its backends reported them). */
export async function postgresDeadlocks(db: Database): Promise<number | null> {
  const { rows } = await sql<{ deadlocks: string | number | null }>`select deadlocks from pg_stat_database where datname = current_database()`.execute(db);
  return rows[0]?.deadlocks === undefined || rows[0].deadlocks === null ? null : Number(rows[0].deadlocks);
}
