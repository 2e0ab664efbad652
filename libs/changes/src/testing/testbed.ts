import type { ChangeEvent } from '@wmsi/change-feed';
import { noCounts, type ChangeCounts } from '@wmsi/change-feed';
import { loadEnv } from '@wmsi/config';
import { createNotificationReader, topicsOf, type Topic } from '@wmsi/contracts';
import { createDb, TOPIC_TABLES, type TopicTables } from '@wmsi/db';
import { createTestDatabase } from '@wmsi/db/testing';
import { createParkingLot } from '@wmsi/pairing';
import { connectForBackgroundWork, openDomainQueues, waitUntilReady, type AcceptedNotification, type DomainQueue } from '@wmsi/queue';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';
import { createChangeEngine, ENGINE_PREPARED_STATEMENTS, type EngineOutcome } from '../engine.js';

let intakeSequence = 0;

/** An accepted notification as the gateway would hand it on, with a fresh intake id. */
export function accepted(topic: Topic, body: string, acceptedAt = new Date()): AcceptedNotification {
  intakeSequence += 1;
  return { intakeId: `${acceptedAt.getTime()}-${intakeSequence}`, topic, acceptedAt: acceptedAt.toISOString(), body };
}

/** What applying did to one topic, with the changes it committed (as tests read it). */
export type TopicOutcome = ChangeCounts & { events: ChangeEvent[] };

/** One topic's counts of an engine outcome, with its events. */
export function outcomeOf(outcome: EngineOutcome, topic: Topic): TopicOutcome {
  const { lagsMs: _lags, ...counts } = outcome.tallies.get(topic) ?? { ...noCounts(), lagsMs: [] };
  return { ...counts, events: outcome.events.filter((event) => event.topic === topic) };
}

/** Every topic's counts of an engine outcome, summed, with its events. */
function summed(outcome: EngineOutcome): TopicOutcome {
  const total: ChangeCounts = noCounts();
  for (const tally of outcome.tallies.values()) for (const name of Object.keys(total) as Array<keyof ChangeCounts>) total[name] += tally[name];
  return { ...total, events: outcome.events };
}

/**
 * The write engine of one domain on real PostgreSQL (a fresh migrated database) and real Redis (a
 * key prefix of its own). Parked rows wait in the real deadlines set; `endWindows()` applies every
 * one of them now, as the domain worker does once their windows end, so tests decide when.
 */
export async function createChangesTestbed(options: { domain: DomainQueue; tables?: readonly TopicTables[]; windowMs?: number; partitions?: number }) {
  const windowMs = options.windowMs ?? 300;
  const partitions = options.partitions ?? loadEnv().QUEUE_PARTITIONS;
  const database = await createTestDatabase();
  const prefix = testPrefix();
  const redis = connectForBackgroundWork(loadEnv().REDIS_URL, ignoreConnectionErrors);
  await waitUntilReady(redis);
  // The domain's queue with as many partitions as the workers started for it (workerEnv) consume.
  const queue = openDomainQueues(redis, prefix, partitions)[options.domain];
  const parking = createParkingLot(redis, { prefix, windowMs });
  // The engine's own pool, set up as a domain worker's (statements prepared per connection).
  const engineDb = createDb(database.url, { maxConnections: 5, applicationName: 'wmsi-test-engine', preparedStatements: ENGINE_PREPARED_STATEMENTS });
  const engine = createChangeEngine({
    db: engineDb,
    parking,
    domain: options.domain,
    tables: options.tables ?? topicsOf(options.domain).map((topic) => TOPIC_TABLES[topic]),
    read: createNotificationReader(),
  });

  return {
    db: database.db,
    databaseUrl: database.url,
    redis,
    prefix,
    queue,
    parking,
    engine,
    windowMs,
    partitions,
    /** Applies one notification as a job of its own would. */
    apply: async (topic: Topic, body: string) => outcomeOf(await engine.applyNotifications([accepted(topic, body)]), topic),
    /** Applies notifications as one job (one batch). */
    applyBatch: async (batch: readonly AcceptedNotification[]) => summed(await engine.applyNotifications(batch)),
    /** Keys of the parked rows still waiting for their window. */
    pendingWindows: () => parking.waiting(options.domain),
    /** Ends every pending window now (due or not), in one batch; returns the summed counts. */
    endWindows: async () => {
      const ended = await parking.takeEnded(options.domain, { limit: 10_000, leaseMs: 60_000, everything: true });
      return summed(await engine.applyEndedWindows(ended));
    },
    changeLog: () => database.db.selectFrom('change_log').selectAll().orderBy('xid').orderBy('seq').execute(),
    cleanup: async () => {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
      redis.disconnect();
      await engineDb.destroy();
      await database.drop();
    },
  };
}

export type ChangesTestbed = Awaited<ReturnType<typeof createChangesTestbed>>;
