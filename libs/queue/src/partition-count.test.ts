import { loadEnv } from '@wmsi/config';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectForBackgroundWork } from './connections.js';
import { checkPartitionCount, PartitionCountError } from './partitioned-queue.js';
import { openDomainQueues, queueNamesInUse } from './queues.js';
import { partitionCountsKey } from './redis-keys.js';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from './testing/index.js';

// On real Redis: a worker started with fewer partitions than before must not strand the jobs of the
// partitions it no longer reads.

describe('checkPartitionCount', () => {
  let redis: Redis;
  const prefix = testPrefix();
  beforeAll(() => {
    redis = connectForBackgroundWork(loadEnv().REDIS_URL, ignoreConnectionErrors);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
    redis?.disconnect();
  });

  it('records the count of a fresh installation, and lets a larger one start', async () => {
    await checkPartitionCount(redis, prefix, 'items', 2);
    expect(await redis.hget(partitionCountsKey(prefix), 'items')).toBe('2');
    await checkPartitionCount(redis, prefix, 'items', 8);
    expect(await redis.hget(partitionCountsKey(prefix), 'items')).toBe('8');
    // What reads every queue in use (the simulator's settle check, the bench) sees the 8.
    const names = await queueNamesInUse(redis, prefix);
    expect(names).toContain('{items-7}');
    expect(names).toContain('{receiving-7}');
    expect(names).not.toContain('{items-8}');
  });

  it('refuses a lower count while the partitions beyond it hold jobs, naming the count to run with; lets it start once they are gone', async () => {
    await checkPartitionCount(redis, prefix, 'receiving', 4);
    const queues = openDomainQueues(redis, prefix, 4);
    const partition3 = queues.receiving.partitions[3]!;
    await partition3.add('receiving', { notifications: [] }, { jobId: 'left-behind' });
    try {
      const refused = checkPartitionCount(redis, prefix, 'receiving', 2);
      await expect(refused).rejects.toBeInstanceOf(PartitionCountError);
      await expect(refused).rejects.toThrow(/partitions 2 to 3 of the receiving queue still hold 1 jobs.*QUEUE_PARTITIONS=4/);
      expect(await redis.hget(partitionCountsKey(prefix), 'receiving')).toBe('4');
      await partition3.obliterate({ force: true });
      await checkPartitionCount(redis, prefix, 'receiving', 2);
      expect(await redis.hget(partitionCountsKey(prefix), 'receiving')).toBe('2');
    } finally {
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
    }
  });

  it('counts a dead-lettered job as left behind too: replay reads only the partitions in use', async () => {
    const queues = openDomainQueues(redis, prefix, 4);
    const partition2 = queues.adjustments.partitions[2]!;
    await partition2.add('adjustments', { notifications: [] }, { jobId: 'dead-letter', attempts: 1 });
    const worker = new Worker(partition2.name, () => Promise.reject(new UnrecoverableError('fails by itself')), { connection: redis.duplicate(), prefix, autorun: false });
    const failed = new Promise<void>((resolve) => worker.on('failed', () => resolve()));
    void worker.run();
    await failed;
    await worker.close();
    try {
      expect(await partition2.getJobCounts('failed', 'waiting')).toMatchObject({ failed: 1, waiting: 0 });
      // No count recorded yet: an installation from before counts as the earlier default of 4.
      await expect(checkPartitionCount(redis, prefix, 'adjustments', 1)).rejects.toThrow(/partitions 1 to 3 of the adjustments queue/);
    } finally {
      await partition2.obliterate({ force: true });
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
    }
  });
});
