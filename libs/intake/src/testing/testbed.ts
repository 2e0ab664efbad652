import { loadEnv } from '@wmsi/config';
import { createTestDatabase } from '@wmsi/db/testing';
import {
  closeDomainQueues,
  connectForBackgroundWork,
  connectForRequests,
  intakeKeys,
  openDomainQueues,
  waitUntilReady,
  type AcceptedNotification,
  type DomainQueue,
} from '@wmsi/queue';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';

/**
 * Real PostgreSQL and Redis for one test file: a fresh migrated database and a key prefix of its
 * own, on the servers the environment names; `cleanup()` drops both.
 */
export async function createIntakeTestbed(options: { redisUrl?: string } = {}) {
  const redisUrl = options.redisUrl ?? loadEnv().REDIS_URL;
  const database = await createTestDatabase();
  const prefix = testPrefix();
  const keys = intakeKeys(prefix);
  const redis = connectForRequests(redisUrl, ignoreConnectionErrors);
  const background = connectForBackgroundWork(redisUrl, ignoreConnectionErrors);
  await Promise.all([waitUntilReady(redis), waitUntilReady(background)]);
  const queues = openDomainQueues(background, prefix);

  return {
    db: database.db,
    databaseUrl: database.url,
    redis,
    background,
    redisUrl,
    prefix,
    keys,
    queues,
    stores: { db: database.db, redis, keys },
    /** Every notification waiting in a domain queue, across its batch jobs, oldest job first. */
    queued: async (domain: DomainQueue): Promise<AcceptedNotification[]> => {
      const jobs = await queues[domain].getJobs(['waiting', 'prioritized', 'delayed', 'active'], 0, -1, true);
      return jobs.flatMap((job) => ('notifications' in job.data ? job.data.notifications : []));
    },
    cleanup: async () => {
      await closeDomainQueues(queues);
      await deleteKeysWithPrefix(background, prefix).catch(() => 0);
      redis.disconnect();
      background.disconnect();
      await database.drop();
    },
  };
}

export type IntakeTestbed = Awaited<ReturnType<typeof createIntakeTestbed>>;
