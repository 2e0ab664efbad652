import { createHash } from 'node:crypto';
import { changesChannel } from '@wmsi/change-feed';
import type { Env } from '@wmsi/config';
import { createNotificationReader, loadColumnMapping, topicsOf, type Topic } from '@wmsi/contracts';
import { createDb, TOPIC_TABLES } from '@wmsi/db';
import { createParkingLot, type EndedWindow, type ParkingLot } from '@wmsi/pairing';
import {
  checkPartitionCount,
  connectForBackgroundWork,
  isWindowEnded,
  notificationJobOptions,
  openDomainQueues,
  WINDOW_ENDED_JOB,
  windowTimerJobOptions,
  type AcceptedNotification,
  type DomainJobData,
  type DomainQueue,
  type PartitionedQueue,
} from '@wmsi/queue';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createChangeEngine, ENGINE_PREPARED_STATEMENTS, type ChangeEngine, type EngineOutcome } from './engine.js';
import { failsEveryTime, isDeadlock } from './failures.js';
import { addTallies, countEffort } from './stats.js';

export interface DomainWorkerOptions {
  domain: DomainQueue;
  env: Pick<
    Env,
    | 'DATABASE_URL'
    | 'REDIS_URL'
    | 'REDIS_PREFIX'
    | 'PAIRING_WINDOW_MS'
    | 'COLUMN_MAPPING_FILE'
    | 'QUEUE_PARTITIONS'
    | 'WORKER_LOCK_MS'
  >;
  logger: Logger;
  /** How often the ended pairing windows are looked for when none was due (ms). */
  sweepIntervalMs?: number;
}

export interface DomainWorker {
  /** One BullMQ worker per partition of the domain's queue. */
  workers: ReadonlyArray<Worker<DomainJobData>>;
  /** Stops taking jobs and windows, lets the ones in hand finish, then closes every connection. */
  close(): Promise<void>;
}

/** Ended windows taken at once: one transaction applies them. */
const WINDOWS_PER_SWEEP = 200;

interface WorkerDeps {
  engine: ChangeEngine;
  parking: ParkingLot;
  queue: PartitionedQueue;
  redis: Redis;
  prefix: string;
  domain: DomainQueue;
  logger: Logger;
}

/**
 * One domain worker: applies the domain queue's jobs (batches of notifications) through the
 * domain's write engine, and turns the parked rows whose pairing window ended into removals.
 * Everything a worker app needs besides its process shell (env, signals).
 */
export async function startDomainWorker(options: DomainWorkerOptions): Promise<DomainWorker> {
  const { domain, env, logger } = options;
  const onRedisError = (error: Error) => logger.warn({ err: error }, 'Redis connection error');
  const redis = connectForBackgroundWork(env.REDIS_URL, onRedisError);
  await checkPartitionCount(redis, env.REDIS_PREFIX, domain, env.QUEUE_PARTITIONS).catch((error: unknown) => {
    redis.disconnect();
    throw error;
  });
  const db = createDb(env.DATABASE_URL, { applicationName: `wmsi-worker-${domain}`, maxConnections: env.QUEUE_PARTITIONS + 2, preparedStatements: ENGINE_PREPARED_STATEMENTS });
  const queue = openDomainQueues(redis, env.REDIS_PREFIX, env.QUEUE_PARTITIONS)[domain];
  queue.on('error', onRedisError);
  await queue.limitToOneJobPerPartition();
  const parking = createParkingLot(redis, { prefix: env.REDIS_PREFIX, windowMs: env.PAIRING_WINDOW_MS });
  const engine = createChangeEngine({
    db,
    parking,
    domain,
    tables: topicsOf(domain).map((topic) => TOPIC_TABLES[topic]),
    read: createNotificationReader(loadColumnMapping(env.COLUMN_MAPPING_FILE)),
  });
  const deps: WorkerDeps = { engine, parking, queue, redis, prefix: env.REDIS_PREFIX, domain, logger };

  // A worker per partition: each takes one job at a time, and the partition's global concurrency
  // of 1 keeps one job of it running across every process, so a document's jobs run in order.
  const workers = queue.partitions.map((partition) => {
    const worker = new Worker<DomainJobData>(partition.name, (job) => processJob(deps, job), {
      connection: connectForBackgroundWork(env.REDIS_URL, onRedisError),
      prefix: env.REDIS_PREFIX,
      concurrency: 1,
      lockDuration: env.WORKER_LOCK_MS,
      stalledInterval: env.WORKER_LOCK_MS,
      // A job whose worker died is retried; one that kills its workers again and again is dead-lettered.
      maxStalledCount: 3,
    });
    worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
    worker.on('failed', (job, error) => reportFailure(deps, job, error));
    return worker;
  });
  const sweeper = startSweeper(deps, { leaseMs: env.WORKER_LOCK_MS, intervalMs: options.sweepIntervalMs ?? 100 });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  logger.info({ domain, topics: engine.topics, partitions: env.QUEUE_PARTITIONS }, 'worker ready');

  return {
    workers,
    async close() {
      await Promise.all([...workers.map((worker) => worker.close()), sweeper.stop()]);
      await queue.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}

/** After each commit: a wake-up for the API processes' feeds, and the figures, in one round trip. */
async function report(deps: WorkerDeps, outcome: EngineOutcome): Promise<void> {
  const last = outcome.events.at(-1);
  await addTallies(deps.redis, deps.prefix, outcome.tallies, last === undefined ? undefined : { channel: changesChannel(deps.prefix), message: last.id });
}

async function processJob(deps: WorkerDeps, job: Job<DomainJobData>): Promise<void> {
  if (isWindowEnded(job.data)) {
    await report(deps, await deps.engine.endWindow(job.data.parkedKey));
    return;
  }
  const notifications = job.data.notifications;
  if (job.attemptsMade > 0) await countEffort(deps.redis, deps.prefix, topicsIn(notifications), 'retries');
  try {
    await report(deps, await deps.engine.applyNotifications(notifications));
    return;
  } catch (error) {
    if (!failsEveryTime(error)) throw error;
    // A notification that fails by itself is dead-lettered at once, with its reason.
    if (notifications.length === 1) throw new UnrecoverableError(reasonOf(error));
  }
  // One of the batch's notifications fails whatever the moment: apply them one by one, and set
  // aside the ones that fail by themselves so the others are applied now.
  for (const accepted of notifications) {
    try {
      await report(deps, await deps.engine.applyNotifications([accepted]));
    } catch (error) {
      if (!failsEveryTime(error)) throw error;
      await setAside(deps, accepted, error);
    }
  }
}

/** A notification that fails by itself becomes a job of its own, which ends in the dead-letter set with its reason. */
async function setAside(deps: WorkerDeps, accepted: AcceptedNotification, error: unknown): Promise<void> {
  deps.logger.warn({ intakeId: accepted.intakeId, topic: accepted.topic, err: error }, 'notification set aside: it fails by itself; the rest of its job is applied');
  await deps.queue.add('alone', { notifications: [accepted] }, { ...notificationJobOptions, jobId: `alone-${accepted.intakeId}` });
}

function reportFailure(deps: WorkerDeps, job: Job<DomainJobData> | undefined, error: Error): void {
  if (job === undefined) return;
  const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
  const where = { job: job.id, name: job.name, attempt: job.attemptsMade, err: error };
  if (final) deps.logger.error(where, 'job failed for good: kept in the dead-letter set (failed jobs) with its reason');
  else deps.logger.warn(where, 'job failed; it will be retried with back-off');
  const topics = isWindowEnded(job.data) ? topicsFromKey(job.data.parkedKey) : topicsIn(job.data.notifications);
  const counted = [countEffort(deps.redis, deps.prefix, topics, 'failures')];
  if (isDeadlock(error)) counted.push(countEffort(deps.redis, deps.prefix, topics, 'deadlocks'));
  Promise.all(counted).catch(() => undefined);
}

function topicsIn(notifications: readonly AcceptedNotification[]): Topic[] {
  return [...new Set(notifications.map((n) => n.topic as Topic))];
}

/** A parked key names its topic: `<prefix>:{pairing}:parked:<topic>:...`. */
function topicsFromKey(parkedKey: string): Topic[] {
  const topic = /:\{pairing\}:parked:([a-z-]+):/.exec(parkedKey)?.[1];
  return topic === undefined ? [] : [topic as Topic];
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The durable timers of parked rows: a loop that takes the rows whose window ended (a lease each,
 * so rows taken by a process that dies are taken again) and applies their removals in batches.
 */
function startSweeper(deps: WorkerDeps, { leaseMs, intervalMs }: { leaseMs: number; intervalMs: number }) {
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopping) {
      let taken: EndedWindow[] = [];
      try {
        taken = await deps.parking.takeEnded(deps.domain, { limit: WINDOWS_PER_SWEEP, leaseMs });
        if (taken.length > 0) await applyRemovals(deps, taken);
      } catch (error) {
        // Their leases run out and they are taken again.
        deps.logger.warn({ err: error, windows: taken.length }, 'ended pairing windows not applied yet; retrying');
        await pause(1_000);
        continue;
      }
      if (taken.length < WINDOWS_PER_SWEEP && !stopping) await pause(intervalMs);
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}

async function applyRemovals(deps: WorkerDeps, taken: readonly EndedWindow[]): Promise<void> {
  try {
    await report(deps, await deps.engine.applyEndedWindows(taken));
    return;
  } catch (error) {
    if (!failsEveryTime(error)) throw error;
  }
  // One of them fails whatever the moment: the others are applied one by one.
  for (const window of taken) {
    try {
      await report(deps, await deps.engine.applyEndedWindows([window]));
    } catch (error) {
      if (!failsEveryTime(error)) throw error;
      // A removal that fails by itself becomes a job of its own: retried, then dead-lettered with its reason.
      deps.logger.warn({ parkedKey: window.key, err: error }, 'removal set aside as a job of its own');
      await deps.queue.add(WINDOW_ENDED_JOB, { parkedKey: window.key }, { ...windowTimerJobOptions, jobId: `window-${createHash('sha1').update(window.key).digest('hex')}` });
      await deps.parking.release(deps.domain, [window.key]);
    }
  }
}
