import { createNotificationChecker, loadColumnMapping } from '@wmsi/contracts';
import { createDb } from '@wmsi/db';
import { closeDomainQueues, connectForBackgroundWork, connectForRequests, intakeKeys, openDomainQueues } from '@wmsi/queue';
import { startChangeTail } from '@wmsi/change-feed';
import type { ApiDeps } from '@wmsi/trpc';

export interface ApiConnectionSettings {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  columnMappingFile?: string;
  /** QUEUE_PARTITIONS: the partitions of each domain's queue (status, dead letters, replay read them all). */
  queuePartitions?: number;
  /** The gateway's address and auth header, printed with a key created in the console. */
  webhook?: { publicUrl: string; headerName: string };
  onError: (what: string) => (error: unknown) => void;
}

/** Opens what the API's procedures use; `close()` releases all of it. */
export async function openApiDependencies(settings: ApiConnectionSettings): Promise<{ deps: ApiDeps; close(): Promise<void> }> {
  const { prefix, onError } = settings;
  const db = createDb(settings.databaseUrl, { applicationName: 'wmsi-api' });
  // The feed's tail reads the log after every commit with one statement of one shape: on a
  // connection of its own it stays prepared (parse and bind were 55 % of its time in PostgreSQL at
  // 300 changes/s). The API's other queries take cursors, filters and search terms, where a generic
  // plan could be worse, so they are not prepared.
  const feedDb = createDb(settings.databaseUrl, { applicationName: 'wmsi-api-feed', maxConnections: 1, preparedStatements: 4 });
  // Queries fail fast while Redis is away (the caller sees an error, not a hang).
  const redis = connectForRequests(settings.redisUrl, onError('Redis (requests)'));
  const background = connectForBackgroundWork(settings.redisUrl, onError('Redis (queues)'));
  const subscriber = connectForBackgroundWork(settings.redisUrl, onError('Redis (change feed)'));
  const changes = startChangeTail({ db: feedDb, subscriber, prefix, onError: onError('change feed') });
  await changes.ready;
  const queues = openDomainQueues(background, prefix, settings.queuePartitions);
  const deps: ApiDeps = {
    db,
    redis,
    prefix,
    intake: intakeKeys(prefix),
    queues,
    changes,
    checkNotification: createNotificationChecker(loadColumnMapping(settings.columnMappingFile)),
    webhook: settings.webhook,
  };
  return {
    deps,
    async close() {
      await changes.close();
      await closeDomainQueues(queues);
      redis.disconnect();
      background.disconnect();
      await Promise.all([db.destroy(), feedDb.destroy()]);
    },
  };
}
