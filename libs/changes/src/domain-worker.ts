import type { Env } from '@wmsi/config';
import { createNotificationReader, loadColumnMapping, type Topic } from '@wmsi/contracts';
import { createDb } from '@wmsi/db';
import { createParkingLot } from '@wmsi/pairing';
import {
  connectForBackgroundWork,
  isWindowEnded,
  queueName,
  type DomainJobData,
  type DomainQueue,
} from '@wmsi/queue';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { createChangeHandler, UnknownTopicError } from './change-handler.js';
import { changesChannel, type ChangeEvent } from './change-log.js';
import { addCounts, noCounts, type ChangeCounts } from './counts.js';
import type { TopicTables } from './record-tables.js';
import { addTopicStats, statsKey } from './stats.js';

export interface DomainWorkerOptions {
  domain: DomainQueue;
  /** The tables of every topic of the domain (its domain lib declares them). */
  tables: readonly TopicTables[];
  env: Pick<
    Env,
    | 'DATABASE_URL'
    | 'REDIS_URL'
    | 'REDIS_PREFIX'
    | 'PAIRING_WINDOW_MS'
    | 'COLUMN_MAPPING_FILE'
    | 'WORKER_CONCURRENCY'
    | 'WORKER_LOCK_MS'
  >;
  logger: Logger;
}

export interface DomainWorker {
  worker: Worker<DomainJobData>;
  /** Stops taking jobs, lets the jobs in hand finish, then closes every connection. */
  close(): Promise<void>;
}

/**
 * One domain worker: takes the domain queue's jobs (notification batches and pairing-window timers)
 * and applies them through the domain's change handler. Everything a worker app needs besides
 * its process shell (env, signals).
 */
export async function startDomainWorker(options: DomainWorkerOptions): Promise<DomainWorker> {
  const { domain, env, logger } = options;
  const onRedisError = (error: Error) => logger.warn({ err: error }, 'Redis connection error');
  const redis = connectForBackgroundWork(env.REDIS_URL, onRedisError);
  const db = createDb(env.DATABASE_URL, {
    applicationName: `wmsi-worker-${domain}`,
    maxConnections: env.WORKER_CONCURRENCY + 1,
  });
  const timers = new Queue<DomainJobData>(queueName(domain), { connection: redis, prefix: env.REDIS_PREFIX });
  timers.on('error', onRedisError);
  const handler = createChangeHandler({
    db,
    parking: createParkingLot(redis, { prefix: env.REDIS_PREFIX, windowMs: env.PAIRING_WINDOW_MS }),
    timers,
    tables: options.tables,
    read: createNotificationReader(loadColumnMapping(env.COLUMN_MAPPING_FILE)),
  });

  // After the commit, for the clients following `sync.changes` through the API processes. A crash
  // between commit and publish loses the live event, not the change: clients resume from the log.
  async function publish(events: readonly ChangeEvent[]): Promise<void> {
    if (events.length > 0) await redis.publish(changesChannel(env.REDIS_PREFIX), JSON.stringify(events));
  }

  async function process(job: Job<DomainJobData>): Promise<void> {
    try {
      if (isWindowEnded(job.data)) {
        const { topic, events, ...counts } = await handler.endWindow(job.data.parkedKey);
        await publish(events);
        if (topic !== undefined) await addTopicStats(redis, env.REDIS_PREFIX, topic, counts, []);
        return;
      }
      const perTopic = new Map<Topic, { counts: ChangeCounts; lags: number[] }>();
      for (const accepted of job.data.notifications) {
        const { events, ...counts } = await handler.applyNotification(accepted);
        await publish(events);
        const topic = accepted.topic as Topic;
        const total = perTopic.get(topic) ?? { counts: noCounts(), lags: [] };
        perTopic.set(topic, total);
        addCounts(total.counts, counts);
        if (counts.applied > 0) total.lags.push(Date.now() - Date.parse(accepted.acceptedAt));
      }
      for (const [topic, { counts, lags }] of perTopic) await addTopicStats(redis, env.REDIS_PREFIX, topic, counts, lags);
    } catch (error) {
      // No retry routes a topic to a worker that does not apply it: straight to the dead-letter set.
      if (error instanceof UnknownTopicError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  const worker = new Worker<DomainJobData>(queueName(domain), process, {
    connection: connectForBackgroundWork(env.REDIS_URL, onRedisError),
    prefix: env.REDIS_PREFIX,
    concurrency: env.WORKER_CONCURRENCY,
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: env.WORKER_LOCK_MS,
    // A job whose worker died is retried; one that kills its workers again and again is dead-lettered.
    maxStalledCount: 3,
  });
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    const where = { job: job.id, name: job.name, attempt: job.attemptsMade, err: error };
    if (final) logger.error(where, 'job failed for good: kept in the dead-letter set (failed jobs) with its reason');
    else logger.warn(where, 'job failed; it will be retried with back-off');
    const topics = isWindowEnded(job.data) ? [] : [...new Set(job.data.notifications.map((n) => n.topic as Topic))];
    for (const topic of topics) redis.hincrby(statsKey(env.REDIS_PREFIX, topic), 'failures', 1).catch(() => undefined);
  });
  await worker.waitUntilReady();
  logger.info({ domain, topics: handler.topics, concurrency: env.WORKER_CONCURRENCY }, 'worker ready');

  return {
    worker,
    async close() {
      await worker.close();
      await timers.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}
