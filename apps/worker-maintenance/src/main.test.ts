import { readRetentionStats } from '@wmsi/change-feed';
import { loadEnv } from '@wmsi/config';
import { createTestDatabase } from '@wmsi/db/testing';
import { connectForBackgroundWork, waitUntilReady } from '@wmsi/queue';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';
import { startApp } from '@wmsi/stack';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { MAINTENANCE_QUEUE, RETENTION_JOB } from './maintenance.js';
import { AGED, countRows, insertAgedRows } from './testing/aged-rows.js';

describe('the worker-maintenance process', () => {
  it('schedules the retention job in Redis, runs it through BullMQ, records its figures, then stops on SIGTERM with exit 0', async () => {
    const database = await createTestDatabase();
    const prefix = testPrefix('maintenance');
    const redisUrl = loadEnv().REDIS_URL;
    const redis = connectForBackgroundWork(redisUrl, ignoreConnectionErrors);
    const queue = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix });
    try {
      await waitUntilReady(redis);
      await insertAgedRows(database.db);
      const app = await startApp('worker-maintenance', {
        env: { DATABASE_URL: database.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'info', RETENTION_INTERVAL_MINUTES: '60' },
      });
      let exitCode: number | null = null;
      try {
        // The scheduler's first job runs at once; the next one waits for the interval.
        const deadline = Date.now() + 30_000;
        while ((await readRetentionStats(redis, prefix)).runs === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        const stats = await readRetentionStats(redis, prefix);
        expect(stats.runs, app.output()).toBe(1);
        expect(stats.lastPruned).toEqual(Object.fromEntries(Object.entries(AGED).map(([table, { expired }]) => [table, expired])));
        expect(stats.prunedTotal).toEqual(stats.lastPruned);
        expect(stats.lastRunAt).toBeGreaterThan(Date.now() - 60_000);
        expect(stats.lastDurationMs).toBeGreaterThanOrEqual(0);
        expect(await countRows(database.db)).toEqual(Object.fromEntries(Object.entries(AGED).map(([table, { total, expired }]) => [table, total - expired])));
        const [scheduler] = await queue.getJobSchedulers();
        expect(scheduler).toMatchObject({ key: RETENTION_JOB, every: 3_600_000 });
        expect((await queue.getDelayed()).map((job) => job.name)).toEqual([RETENTION_JOB]);
      } finally {
        exitCode = await app.stop('SIGTERM');
      }
      expect(exitCode, app.output()).toBe(0);
    } finally {
      await queue.close();
      await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
      redis.disconnect();
      await database.drop();
    }
  }, 90_000);
});
