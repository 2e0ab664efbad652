import { queueNamesInUse } from '@wmsi/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Every queue notifications travel through (every partition in use of every domain's queue, as
 * @wmsi/queue knows them), opened on one connection for reading (close them before the connection).
 */
export async function openPipelineQueues(redis: Redis, prefix: string): Promise<Queue[]> {
  return (await queueNamesInUse(redis, prefix)).map((name) => new Queue(name, { connection: redis, prefix }));
}
