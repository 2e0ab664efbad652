import { connectForBackgroundWork, notificationJobOptions, openDomainQueues, closeDomainQueues, queueName } from '@wmsi/queue';
import { deleteKeysWithPrefix, testPrefix } from '@wmsi/queue/testing';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { readTimeSpent } from './time-spent.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('where the time went, read from BullMQ after a run', () => {
  const prefix = testPrefix('bench');
  const redis = connectForBackgroundWork(redisUrl, () => undefined);
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('splits each notification\'s time into dispatch, queue wait and job, and counts the retried jobs', async () => {
    const queues = openDomainQueues(redis, prefix);
    // Accepted 200 ms before it was queued, as a slow dispatcher would.
    const acceptedAt = Date.now() - 200;
    const notification = (i: number) => ({ intakeId: `${acceptedAt}-${i}`, topic: 'stock-items', acceptedAt: new Date(acceptedAt).toISOString(), body: '{"Inserted":[],"Id":"x"}' });
    for (let i = 0; i < 5; i++) await queues.items.add('items', { notifications: [notification(2 * i), notification(2 * i + 1)] }, { ...notificationJobOptions, backoff: { type: 'fixed', delay: 10 } });
    const attempted = new Set<string>();
    const workerConnection = connectForBackgroundWork(redisUrl, () => undefined);
    const worker = new Worker(
      queueName('items'),
      async (job) => {
        // The first job fails once (a deadlock, say); every job takes about 30 ms.
        await new Promise((resolve) => setTimeout(resolve, 30));
        if (job.id === '1' && !attempted.has(job.id)) {
          attempted.add(job.id);
          throw new Error('deadlock detected');
        }
      },
      { connection: workerConnection, prefix },
    );
    while ((await queues.items.getCompletedCount()) < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    await worker.close();
    workerConnection.disconnect();
    await closeDomainQueues(queues);

    const spent = await readTimeSpent({ redisUrl, prefix, appliedToEvent: [5, 15, 25].map((ms) => ({ appliedAt: acceptedAt + ms, ms })) });
    expect(spent.jobs).toMatchObject({ completed: 5, sampled: 5, notifications: 10 });
    expect(spent.jobs.notificationsPerJob).toMatchObject({ p50: 2, max: 2 });
    const [dispatched, started, committed, delivered] = spent.stages;
    expect(dispatched.ms?.p50).toBeGreaterThanOrEqual(200);
    expect(started.ms?.count).toBe(10);
    expect(committed.ms?.p50).toBeGreaterThanOrEqual(25);
    expect(delivered.ms).toMatchObject({ count: 3, p50: 15, max: 25 });
    expect(spent.retries).toMatchObject({ sampledJobsRetried: 1, sampledExtraAttempts: 1, deadLettered: 0 });
    // No WMSi worker ran here: the workers' own counts are there, and zero.
    expect(spent.retries.counted).toBe(0);
    expect(spent.deadlocks.counted).toBe(0);

    // Only the measured seconds: jobs whose notifications came after the warm-up, events applied after it.
    const afterWarmUp = await readTimeSpent({ redisUrl, prefix, appliedToEvent: [5, 15, 25].map((ms) => ({ appliedAt: acceptedAt + ms, ms })), measuredFromMs: acceptedAt + 10 });
    expect(afterWarmUp.jobs).toMatchObject({ completed: 5, sampled: 0, notifications: 0 });
    expect(afterWarmUp.stages[3]?.ms).toMatchObject({ count: 2, p50: 25 });
  });
});
