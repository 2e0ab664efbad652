import { recordRetentionFailure, recordRetentionRun, type RetentionRun } from '@wmsi/change-feed';
import type { Env } from '@wmsi/config';
import { createDb, type Database } from '@wmsi/db';
import { connectForBackgroundWork } from '@wmsi/queue';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { retentionSettings, runRetention } from './retention.js';

/** Braces make the queue name BullMQ's hash tag (one cluster slot), as for the domain queues. */
export const MAINTENANCE_QUEUE = '{maintenance}';
/** The job scheduler's id and its jobs' name. */
export const RETENTION_JOB = 'retention';

export interface MaintenanceOptions {
  env: Pick<
    Env,
    | 'DATABASE_URL'
    | 'REDIS_URL'
    | 'REDIS_PREFIX'
    | 'QUARANTINE_RETENTION_DAYS'
    | 'PROCESSED_RETENTION_DAYS'
    | 'CHANGE_LOG_RETENTION_DAYS'
    | 'RETENTION_INTERVAL_MINUTES'
  >;
  logger: Logger;
  /** Rows per delete statement (default 5,000). */
  batchSize?: number;
}

export interface Maintenance {
  queue: Queue;
  worker: Worker;
  db: Database;
  /** Stops taking jobs, lets the one in hand finish, then closes every connection. */
  close(): Promise<void>;
}

/**
 * The maintenance worker: a BullMQ job scheduler puts a retention job on the maintenance queue
 * every RETENTION_INTERVAL_MINUTES (and once at start), and one worker runs it. The schedule lives
 * in Redis, so several processes, or a restart, never run it more often than that; a run that
 * fails is retried by BullMQ, and the next one prunes what it left anyway.
 */
export async function startMaintenance(options: MaintenanceOptions): Promise<Maintenance> {
  const { env, logger } = options;
  const onRedisError = (error: Error) => logger.warn({ err: error }, 'Redis connection error');
  const db = createDb(env.DATABASE_URL, { applicationName: 'wmsi-worker-maintenance', maxConnections: 2 });
  const redis = connectForBackgroundWork(env.REDIS_URL, onRedisError);
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix: env.REDIS_PREFIX });
  queue.on('error', onRedisError);
  const settings = retentionSettings(env, options.batchSize);

  const worker = new Worker<unknown, RetentionRun>(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name !== RETENTION_JOB) throw new Error(`Unknown maintenance job "${job.name}"`);
      const run = await runRetention(db, settings);
      await recordRetentionRun(redis, env.REDIS_PREFIX, run);
      logger.info({ pruned: run.pruned, durationMs: run.durationMs }, 'retention run done');
      return run;
    },
    { connection: connectForBackgroundWork(env.REDIS_URL, onRedisError), prefix: env.REDIS_PREFIX, concurrency: 1 },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => {
    logger.error({ job: job?.id, attempt: job?.attemptsMade, err: error }, 'retention run failed; retried, and the next run prunes what it left');
    recordRetentionFailure(redis, env.REDIS_PREFIX).catch(() => undefined);
  });

  await queue.upsertJobScheduler(
    RETENTION_JOB,
    { every: env.RETENTION_INTERVAL_MINUTES * 60_000 },
    {
      name: RETENTION_JOB,
      opts: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    },
  );
  await worker.waitUntilReady();
  logger.info({ settings, everyMinutes: env.RETENTION_INTERVAL_MINUTES }, 'worker ready');

  return {
    queue,
    worker,
    db,
    async close() {
      await worker.close();
      await queue.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}
