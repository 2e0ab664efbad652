import { createNotificationReader } from '@wmsi/contracts';
import { purchaseOrderBody, stockItemBody } from '@wmsi/contracts/testing';
import { INTAKE_DISPATCH_GROUP, type DomainJobData } from '@wmsi/queue';
import { Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startIntakeDispatcher, type IntakeDispatcher } from './dispatcher.js';
import { appendToIntake, readIntakeEntries } from './intake-stream.js';
import { createIntakeTestbed, type IntakeTestbed } from './testing/index.js';

const read = createNotificationReader();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('intake dispatcher', () => {
  let bed: IntakeTestbed;
  let running: IntakeDispatcher[] = [];
  let errors: unknown[] = [];
  const start = (consumer: string, claimIdleMs = 30_000, maxHoldMs?: number) => {
    const dispatcher = startIntakeDispatcher({
      maxHoldMs,
      redis: bed.background.duplicate(),
      queues: bed.queues,
      keys: bed.keys,
      consumer,
      blockMs: 100,
      claimIdleMs,
      onError: (error) => errors.push(error),
    });
    running.push(dispatcher);
    return dispatcher;
  };

  beforeAll(async () => {
    bed = await createIntakeTestbed();
  });
  afterEach(async () => {
    await Promise.all(running.map((dispatcher) => dispatcher.stop()));
    running = [];
    errors = [];
  });
  afterAll(async () => bed?.cleanup());

  it('moves every accepted notification to its domain queue, in batch jobs, and empties the intake', async () => {
    const ids = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => appendToIntake(bed.redis, bed.keys, 'purchase-orders', purchaseOrderBody({ orderNbr: `PO${i}` }))),
      ...Array.from({ length: 20 }, (_, i) => appendToIntake(bed.redis, bed.keys, 'stock-items', stockItemBody({ inventoryId: `ITEM${i}` }))),
    ]);
    start('one');
    await until(async () => (await bed.queued('receiving')).length === 30 && (await bed.queued('items')).length === 20);
    await until(async () => (await bed.redis.xlen(bed.keys.stream)) === 0);

    const receiving = await bed.queued('receiving');
    expect(receiving.map((notification) => notification.intakeId).sort()).toEqual(ids.slice(0, 30).sort());
    const first = receiving.find((notification) => notification.intakeId === ids[0]);
    expect(first?.topic).toBe('purchase-orders');
    const carried = read('purchase-orders', first?.body ?? '');
    expect(carried.ok && carried.notification.inserted[0]?.key['orderNbr']).toBe('PO0');
    expect((await bed.queued('items')).map((notification) => notification.intakeId).sort()).toEqual(ids.slice(30).sort());
    expect(await bed.queues.fulfillment.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('takes over entries a crashed dispatcher had read but not moved, and enqueues each once', async () => {
    await bed.queues.receiving.obliterate({ force: true });
    const ids = await Promise.all(
      Array.from({ length: 5 }, (_, i) => appendToIntake(bed.redis, bed.keys, 'purchase-orders', purchaseOrderBody({ orderNbr: `CR${i}` }))),
    );
    // A dispatcher that read these entries and died before acknowledging them.
    await bed.background.xgroup('CREATE', bed.keys.stream, INTAKE_DISPATCH_GROUP, '0', 'MKSTREAM').catch(() => undefined);
    await bed.background.call('XREADGROUP', 'GROUP', INTAKE_DISPATCH_GROUP, 'crashed', 'COUNT', 100, 'STREAMS', bed.keys.stream, '>');
    // It had even put the batch on the queue already.
    const entries = readIntakeEntries(await bed.background.xrange(bed.keys.stream, '-', '+'));
    await bed.queues.receiving.add('receiving', { notifications: entries }, { jobId: `${ids[0]}-n5` });

    start('survivor', 200);
    await until(async () => (await bed.redis.xlen(bed.keys.stream)) === 0);
    const queued = await bed.queued('receiving');
    expect(queued.map((notification) => notification.intakeId).sort()).toEqual([...ids].sort());
    expect(await bed.queues.receiving.count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('gives a busy partition what came meanwhile as one job once its waiting job has started, in the order accepted', async () => {
    await bed.queues.receiving.obliterate({ force: true });
    const jobs: string[][] = [];
    // A worker that takes 300 ms a job; a notification comes every 40 ms.
    const worker = new Worker<DomainJobData>(
      bed.queues.receiving.partitions[0]!.name,
      async (job) => {
        if ('notifications' in job.data) jobs.push(job.data.notifications.map((notification) => notification.intakeId));
        await pause(300);
      },
      { connection: bed.background.duplicate(), prefix: bed.prefix, concurrency: 1 },
    );
    try {
      start('following-the-load');
      const ids: string[] = [];
      for (let i = 0; i < 16; i++) {
        ids.push(await appendToIntake(bed.redis, bed.keys, 'purchase-orders', purchaseOrderBody({ orderNbr: `BUSY${i}` })));
        await pause(40);
      }
      await until(async () => jobs.flat().length === ids.length);
      // One job per notification without holding; here the first two go alone (the worker was
      // idle, then busy with an empty queue), the rest in the jobs that found them waiting.
      expect(jobs.length).toBeLessThanOrEqual(5);
      expect(jobs.slice(0, 2).map((job) => job.length)).toEqual([1, 1]);
      expect(jobs.flat()).toEqual(ids);
      expect(errors).toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it('holds a partition\'s notifications behind a waiting job no longer than maxHoldMs, then queues them as one job', async () => {
    await bed.queues.receiving.obliterate({ force: true });
    start('no-worker-running', 30_000, 400);
    const first = await appendToIntake(bed.redis, bed.keys, 'purchase-orders', purchaseOrderBody({ orderNbr: 'WAIT0' }));
    await until(async () => (await bed.queued('receiving')).some((notification) => notification.intakeId === first));
    const later = await Promise.all([1, 2, 3].map((i) => appendToIntake(bed.redis, bed.keys, 'purchase-orders', purchaseOrderBody({ orderNbr: `WAIT${i}` }))));
    await pause(150);
    expect(await bed.queues.receiving.count()).toBe(1);
    expect(await bed.redis.xlen(bed.keys.stream)).toBe(3);
    await until(async () => (await bed.redis.xlen(bed.keys.stream)) === 0);
    expect(await bed.queues.receiving.count()).toBe(2);
    expect((await bed.queued('receiving')).map((notification) => notification.intakeId)).toEqual([first, ...later]);
    expect(errors).toEqual([]);
  });

  it('recreates its consumer group after Redis lost the stream', async () => {
    start('regrouping');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await bed.background.del(bed.keys.stream);
    await bed.queues.items.obliterate({ force: true });
    const id = await appendToIntake(bed.redis, bed.keys, 'stock-items', stockItemBody({ inventoryId: 'AFTERLOSS' }));
    await until(async () => (await bed.queued('items')).some((notification) => notification.intakeId === id));
  });
});
