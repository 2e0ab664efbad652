import { loadEnv } from '@wmsi/config';
import { createNotificationReader, type Topic } from '@wmsi/contracts';
import { createTestDatabase } from '@wmsi/db/testing';
import { createParkingLot } from '@wmsi/pairing';
import {
  connectForBackgroundWork,
  isWindowEnded,
  queueName,
  waitUntilReady,
  type AcceptedNotification,
  type DomainJobData,
  type DomainQueue,
} from '@wmsi/queue';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';
import { Queue } from 'bullmq';
import { createChangeHandler } from '../change-handler.js';
import { addCounts, noCounts } from '../counts.js';
import type { TopicTables } from '../record-tables.js';

let intakeSequence = 0;

/** An accepted notification as the gateway would hand it on, with a fresh intake id. */
export function accepted(topic: Topic, body: string, acceptedAt = new Date()): AcceptedNotification {
  intakeSequence += 1;
  return { intakeId: `${acceptedAt.getTime()}-${intakeSequence}`, topic, acceptedAt: acceptedAt.toISOString(), body };
}

/**
 * A change handler on real PostgreSQL (a fresh migrated database) and real Redis (a key prefix of
 * its own), for one domain's tables. Window timers are real delayed jobs; `endWindows()` fires the
 * ones that are due, as the domain worker would, so tests decide when a window ends.
 */
export async function createChangesTestbed(options: { domain: DomainQueue; tables: readonly TopicTables[]; windowMs?: number }) {
  const windowMs = options.windowMs ?? 300;
  const database = await createTestDatabase();
  const prefix = testPrefix();
  const redis = connectForBackgroundWork(loadEnv().REDIS_URL, ignoreConnectionErrors);
  await waitUntilReady(redis);
  const timers = new Queue<DomainJobData>(queueName(options.domain), { connection: redis, prefix });
  const parking = createParkingLot(redis, { prefix, windowMs });
  const handler = createChangeHandler({
    db: database.db,
    parking,
    timers,
    tables: options.tables,
    read: createNotificationReader(),
  });

  return {
    db: database.db,
    databaseUrl: database.url,
    redis,
    prefix,
    timers,
    parking,
    handler,
    windowMs,
    apply: (topic: Topic, body: string) => handler.applyNotification(accepted(topic, body)),
    /** Keys of the parked rows whose timers are still pending. */
    pendingWindows: async () => {
      const jobs = await timers.getDelayed();
      return jobs.flatMap((job) => (isWindowEnded(job.data) ? [job.data.parkedKey] : []));
    },
    /** Fires every pending window timer now (due or not), in parking order; returns the summed counts. */
    endWindows: async () => {
      const total = noCounts();
      const jobs = (await timers.getDelayed()).sort((a, b) => a.timestamp - b.timestamp);
      for (const job of jobs) {
        if (!isWindowEnded(job.data)) continue;
        addCounts(total, await handler.endWindow(job.data.parkedKey));
        await job.remove();
      }
      return total;
    },
    changeLog: () => database.db.selectFrom('change_log').selectAll().orderBy('seq').execute(),
    cleanup: async () => {
      await timers.obliterate({ force: true }).catch(() => undefined);
      await timers.close();
      await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
      redis.disconnect();
      await database.drop();
    },
  };
}

export type ChangesTestbed = Awaited<ReturnType<typeof createChangesTestbed>>;
