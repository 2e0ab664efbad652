import { startDomainWorker, type DomainWorker } from '@wmsi/changes';
import { statsKey } from '@wmsi/queue';
import { accepted, createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { loadEnv } from '@wmsi/config';
import { nextTimeStamp, stockItemBody } from '@wmsi/contracts/testing';
import { notificationJobOptions } from '@wmsi/queue';
import { databaseUrl } from '@wmsi/db';
import { startTcpProxy, type TcpProxy } from '@wmsi/db/testing';
import { receivingTables } from '@wmsi/receiving';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countRows, enqueue, poBody, poRow, waitFor, workerEnv } from './testing/helpers.js';

const logger = pino({ level: 'silent' });

function start(bed: ChangesTestbed, database = bed.databaseUrl): Promise<DomainWorker> {
  return startDomainWorker({
    domain: 'receiving',
    env: loadEnv(workerEnv(bed, database)),
    logger,
  });
}

describe('the receiving worker, with real window timers', () => {
  let bed: ChangesTestbed;
  let worker: DomainWorker | undefined;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables, windowMs: 300 });
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });
  afterAll(() => bed?.cleanup());

  const line = (orderNbr: string) =>
    bed.db.selectFrom('purchase_order_lines').selectAll().where('order_nbr', '=', orderNbr).executeTakeFirst();

  it('turns a lone Deleted into a removal by itself once the 300 ms window ends, and pairs one whose Inserted comes in time', async () => {
    worker = await start(bed);
    const [lone, paired] = [`LONE-${randomUUID()}`, `PAIR-${randomUUID()}`];
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    const id = randomUUID();
    await enqueue(bed, [poBody({ inserted: [poRow(lone), poRow(paired)], timeStamp: t1 })]);
    await waitFor(async () => (await line(paired)) !== undefined, 5_000, 'the first notification');

    const parkedAt = Date.now();
    await enqueue(bed, [poBody({ deleted: [poRow(lone), poRow(paired)], timeStamp: t2, id })]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await enqueue(bed, [poBody({ inserted: [poRow(paired, { OpenQty: 0 })], timeStamp: t2, id })]);

    await waitFor(async () => (await line(lone))?.removed_at !== null, 5_000, 'the removal');
    expect(Date.now() - parkedAt).toBeGreaterThanOrEqual(300);
    expect(await line(paired)).toMatchObject({ removed_at: null, open_qty: '0', source_timestamp: t2 });
    const kinds = (await bed.changeLog()).filter((c) => c.level === 'line').map((c) => `${c.kind}:${(c.document_key as { orderNbr: string }).orderNbr.slice(0, 4)}`);
    expect(kinds.sort()).toEqual(['insert:LONE', 'insert:PAIR', 'removal:LONE', 'update:PAIR']);
  });

  it('dead-letters a job it can never apply, with the reason, and goes on with the next', async () => {
    worker = await start(bed);
    // A stock-item notification routed to the receiving queue: no retry can fix that.
    const misrouted = { notifications: [{ ...accepted('stock-items', stockItemBody()), topic: 'stock-items' }] };
    await bed.queue.add('receiving', misrouted, notificationJobOptions);
    const orderNbr = `NEXT-${randomUUID()}`;
    await enqueue(bed, [poBody({ inserted: [poRow(orderNbr)], timeStamp: nextTimeStamp() })]);
    await waitFor(async () => (await line(orderNbr)) !== undefined, 5_000, 'the next job');
    await waitFor(async () => (await bed.queue.getFailedCount()) === 1, 5_000, 'the dead-lettered job');
    const [dead] = await bed.queue.getFailed();
    expect(dead.failedReason).toBe('This worker does not apply topic "stock-items"');
    expect(dead.attemptsMade).toBe(1);
    expect(await bed.redis.hget(statsKey(bed.prefix, 'stock-items'), 'failures')).toBe('1');
    await dead.remove();
  });

  it('applies a burst with notifications PostgreSQL refuses: the good ones now, each bad one dead-lettered alone and replayable', async () => {
    // What the database refuses, whatever the moment: here a constraint, as a stand-in for any value
    // the gateway could not foresee.
    await sql`alter table purchase_order_lines add constraint no_poison check (order_nbr not like 'POISON%')`.execute(bed.db);
    worker = await start(bed);
    const good = Array.from({ length: 180 }, (_, i) => `GOOD-${i}-${randomUUID().slice(0, 6)}`);
    const poisoned = Array.from({ length: 4 }, (_, i) => `POISON-${i}-${randomUUID().slice(0, 6)}`);
    const orders = [...good];
    poisoned.forEach((orderNbr, i) => orders.splice(10 + i * 45, 0, orderNbr));
    await enqueue(bed, orders.map((orderNbr) => poBody({ inserted: [poRow(orderNbr)], timeStamp: nextTimeStamp() })), 23);

    const appliedOrders = async () => (await bed.db.selectFrom('purchase_order_lines').select('order_nbr').where('order_nbr', 'in', orders).execute()).map((row) => row.order_nbr);
    await waitFor(async () => (await bed.queue.getFailedCount()) === 4 && (await appliedOrders()).length >= good.length, 30_000, 'the burst applied');
    expect(new Set(await appliedOrders())).toEqual(new Set(good));
    const dead = await bed.queue.getFailed();
    expect(dead.map((job) => (job.data as { notifications: unknown[] }).notifications.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(dead.map((job) => poisoned.find((orderNbr) => JSON.stringify(job.data).includes(orderNbr))))).toEqual(new Set(poisoned));
    for (const job of dead) expect(job.failedReason).toMatch(/no_poison/);

    // Once the database takes them, a replay applies them.
    await sql`alter table purchase_order_lines drop constraint no_poison`.execute(bed.db);
    for (const job of dead) await job.retry('failed');
    await waitFor(
      async () => (await bed.db.selectFrom('purchase_order_lines').select('order_nbr').where('order_nbr', 'in', poisoned).execute()).length === 4,
      15_000,
      'the replayed notifications',
    );
    expect(await bed.queue.getFailedCount()).toBe(0);
  }, 60_000);

  describe('PostgreSQL unreachable for a few seconds', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(Number(new URL(loadEnv().DATABASE_URL).port || 5432));
    });
    afterAll(() => proxy?.close());

    it('retries the jobs with back-off and ends with every change applied exactly once', async () => {
      const through = new URL(bed.databaseUrl);
      through.port = String(proxy.port);
      worker = await start(bed, databaseUrl(through.toString(), through.pathname.slice(1)));
      let failedAttempts = 0;
      for (const partition of worker.workers) partition.on('failed', () => (failedAttempts += 1));
      const before = await countRows(bed, 'change_log');
      const orders = Array.from({ length: 60 }, (_, i) => `OUT-${i}-${randomUUID().slice(0, 8)}`);
      const bodies = orders.map((orderNbr) => poBody({ inserted: [poRow(orderNbr)], timeStamp: nextTimeStamp() }));

      await enqueue(bed, bodies.slice(0, 20));
      await proxy.cut();
      await enqueue(bed, bodies.slice(20, 60), 10);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const appliedWhileDown = (await countRows(bed, 'change_log')) - before;
      await proxy.restore();

      await waitFor(async () => (await countRows(bed, 'change_log')) - before >= 60, 30_000, 'all 60 changes');
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Jobs really failed while it was down (and were retried), and nothing was lost or doubled.
      expect(failedAttempts).toBeGreaterThan(0);
      expect(appliedWhileDown).toBeLessThan(60);
      expect((await countRows(bed, 'change_log')) - before).toBe(60);
      const stored = await bed.db.selectFrom('purchase_order_lines').select('order_nbr').where('order_nbr', 'in', orders).execute();
      expect(stored).toHaveLength(60);
      expect(await bed.queue.getFailedCount()).toBe(0);
    }, 60_000);
  });
});
