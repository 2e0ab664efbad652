import { fileURLToPath } from 'node:url';
import { readTopicStats } from '@wmsi/change-feed';
import { accepted, createChangesTestbed, startWorkerProcess, type ChangesTestbed, type WorkerProcess } from '@wmsi/changes/testing';
import { createNotificationChecker } from '@wmsi/contracts';
import { nextTimeStamp } from '@wmsi/contracts/testing';
import { notificationJobOptions } from '@wmsi/queue';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poBody, poRow, waitFor, workerEnv } from './testing/helpers.js';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const check = createNotificationChecker();

describe('partitioned queues with two worker processes', () => {
  let bed: ChangesTestbed;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    // Several partitions, whatever the default: the documents must spread over them.
    bed = await createChangesTestbed({ domain: 'receiving', partitions: 4 });
    for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(appRoot, workerEnv(bed)));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
    await bed?.cleanup();
  });

  it("applies each document's changes in the order they came, and different documents' side by side", async () => {
    // 12 orders, each changed 15 times in a row, the changes interleaved, one job each, routed as
    // the gateway routes them (by document).
    const orders = Array.from({ length: 12 }, (_, i) => `PART-${i}-${randomUUID().slice(0, 6)}`);
    const jobs = [];
    for (let step = 1; step <= 15; step++) {
      for (const orderNbr of orders) {
        const body = poBody({ inserted: [poRow(orderNbr, { OpenQty: step })], timeStamp: nextTimeStamp() });
        const outcome = check('purchase-orders', body);
        if (!outcome.ok) throw new Error(outcome.message);
        const notification = { ...accepted('purchase-orders', body), route: outcome.route ?? undefined };
        jobs.push({ name: 'receiving', data: { notifications: [notification] }, opts: { ...notificationJobOptions, jobId: notification.intakeId } });
      }
    }
    const used = new Set(jobs.map((job) => bed.queue.partitionFor(job.data).name));
    await bed.queue.addBulk(jobs);

    await waitFor(async () => (await bed.queue.getJobCountByTypes('active', 'wait')) === 0, 60_000, 'every job applied');
    const lines = await bed.db.selectFrom('purchase_order_lines').select(['order_nbr', 'open_qty']).where('order_nbr', 'in', orders).execute();
    expect(lines.map((line) => line.open_qty)).toEqual(orders.map(() => '15'));
    // In order: no change ever found a newer one already applied.
    const stats = await readTopicStats(bed.redis, bed.prefix, 'purchase-orders');
    expect(stats.stale).toBe(0);
    expect(stats.applied).toBe(orders.length * 15);
    // Side by side: the documents went to several partitions, each applied exactly once.
    expect(used.size).toBeGreaterThan(1);
    expect(await bed.db.selectFrom('processed_notifications').select('intake_id').execute()).toHaveLength(orders.length * 15);
  }, 120_000);
});
