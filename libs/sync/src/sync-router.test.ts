import { addTopicStats } from '@wmsi/changes';
import { noCounts, type ChangeEvent } from '@wmsi/change-feed';
import { topicTables } from '@wmsi/db';
import { accepted, createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { createNotificationChecker } from '@wmsi/contracts';
import { nextTimeStamp, notificationBody, stockItemBody } from '@wmsi/contracts/testing';
import { quarantineBody } from '@wmsi/db';
import { notificationJobOptions, queueName } from '@wmsi/queue';
import { Worker } from 'bullmq';
import { router, type ApiDeps } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRouter } from './router.js';

const stockItems = [topicTables('stock-items', { document: 'stock_items' })];
const codeOf = (error: unknown) => (error instanceof TRPCError ? error.code : String(error));

describe('sync: status, quarantine, dead letters, replay, the change stream', () => {
  let bed: ChangesTestbed;
  let api: ReturnType<typeof createRouterTestbed<ReturnType<typeof appRouter>>>;
  const appRouter = () => router({ sync: syncRouter });
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items', tables: stockItems });
    api = createRouterTestbed(bed, appRouter());
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  it('tells at a glance that all is well, then names each problem', async () => {
    const desktop = await api.as('desktop');
    await addTopicStats(bed.redis, bed.prefix, 'stock-items', { ...noCounts(), applied: 3, pairsAcrossNotifications: 1 }, [100, 300]);
    const healthy = await desktop.sync.status();
    expect(healthy.healthy).toBe(true);
    expect(healthy.topics.find((t) => t.topic === 'stock-items')).toMatchObject({
      domain: 'items',
      applied: 3,
      pairs: { inNotification: 0, acrossNotifications: 1 },
      averageLagMs: 200,
      quarantined: 0,
    });
    expect(healthy.queues.map((q) => q.domain)).toEqual(['receiving', 'fulfillment', 'items', 'adjustments']);

    await quarantineBody(bed.db, { topic: 'stock-items', reason: 'invalid-rows', message: 'bad', issues: [], rawBody: Buffer.from('{}') });
    const unhealthy = await desktop.sync.status();
    expect(unhealthy.healthy).toBe(false);
    expect(unhealthy.problems).toEqual(['1 stock-items notification(s) in quarantine: see sync.quarantine']);
  });

  it('lets an admin list and inspect quarantined bodies, and replay one once the mapping accepts it', async () => {
    const admin = await api.as('admin');
    // A customer's inquiry captions the item "Item": refused by the default mapping.
    const body = notificationBody({ query: 'WMS Stock Items', inserted: [{ Item: 'RENAMED01', ItemStatus: 'Active' }], timeStamp: nextTimeStamp() });
    const kept = await quarantineBody(bed.db, { topic: 'stock-items', reason: 'invalid-rows', message: 'no InventoryID', issues: [], rawBody: Buffer.from(body) });
    const page = await admin.sync.quarantine({ topic: 'stock-items', limit: 1 });
    expect(page.items[0]).toMatchObject({ id: kept.id, reason: 'invalid-rows', bodyBytes: body.length });
    expect(page.nextCursor).toBe(kept.id);
    expect(await admin.sync.quarantined({ id: kept.id })).toMatchObject({ body, topic: 'stock-items' });

    const refused = await admin.sync.replay({ quarantineId: kept.id }).catch((error: unknown) => error);
    expect(codeOf(refused)).toBe('UNPROCESSABLE_CONTENT');
    expect(String((refused as Error).message)).toMatch(/Still refused/);

    // The mapping is fixed: replay goes through the intake, as if Acumatica had resent it.
    const fixed: ApiDeps = { ...api.deps, checkNotification: createNotificationChecker({ 'stock-items': { inventoryId: 'Item' } }) };
    const fixedApi = createRouterTestbed(bed, appRouter());
    Object.assign(fixedApi.deps, fixed);
    const replayed = await (await fixedApi.as('admin')).sync.replay({ quarantineId: kept.id });
    expect(replayed).toMatchObject({ replayed: 'quarantine', topic: 'stock-items' });
    const [entry] = (await bed.redis.xrange(api.deps.intake.stream, replayed.intakeId!, replayed.intakeId!)) as Array<[string, string[]]>;
    expect(entry[1]).toContain(body);
    expect((await admin.sync.quarantine({ topic: 'stock-items' })).items.map((i) => i.id)).not.toContain(kept.id);
    await fixedApi.close();
  });

  it('lists dead-lettered jobs with their reason and puts one back on its queue', async () => {
    const admin = await api.as('admin');
    const job = await api.deps.queues.items.add('items', { notifications: [accepted('stock-items', stockItemBody())] }, { ...notificationJobOptions, attempts: 1 });
    // A worker whose every attempt fails: the job ends in the failed set, BullMQ's dead letters.
    const failing = new Worker(queueName('items'), async () => {
      throw new Error('PostgreSQL was down for an hour');
    }, { connection: bed.redis, prefix: bed.prefix });
    while ((await job.getState()) !== 'failed') await new Promise((resolve) => setTimeout(resolve, 20));
    await failing.close();
    const dead = await admin.sync.deadLetters({ domain: 'items' });
    expect(dead.items).toMatchObject([{ domain: 'items', jobId: job.id, reason: 'PostgreSQL was down for an hour', notifications: [{ topic: 'stock-items' }] }]);
    expect(await admin.sync.replay({ domain: 'items', jobId: job.id! })).toMatchObject({ replayed: 'dead-letter' });
    expect(await job.getState()).toBe('waiting');
    expect(codeOf(await admin.sync.replay({ domain: 'items', jobId: job.id! }).catch((e: unknown) => e))).toBe('UNPROCESSABLE_CONTENT');
  });

  it('shows quarantine and dead letters to desktop and admin tokens, and keeps replay to admins', async () => {
    const desktop = await api.as('desktop');
    expect((await desktop.sync.quarantine({})).items).toBeInstanceOf(Array);
    expect((await desktop.sync.deadLetters({})).items).toBeInstanceOf(Array);
    expect(codeOf(await desktop.sync.replay({ quarantineId: '1' }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await desktop.sync.replayQuarantined({ filter: {} }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await desktop.sync.replayDeadLetters({ domain: 'items' }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    const handheld = await api.as('handheld');
    expect(codeOf(await handheld.sync.quarantine({}).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await handheld.sync.deadLetters({}).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await handheld.sync.replay({ quarantineId: '1' }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await api.anonymous().sync.status().catch((e: unknown) => e))).toBe('UNAUTHORIZED');
  });

  it('streams changes filtered by topic and warehouse, starting with those missed after lastEventId, then live', async () => {
    const first = await bed.apply('stock-items', stockItemBody({ inventoryId: 'FEED1' }));
    await bed.apply('stock-items', stockItemBody({ inventoryId: 'FEED2' }));
    await bed.apply('stock-items', stockItemBody({ inventoryId: 'FEED3', defaultWarehouse: 'EAST' }));
    const desktop = await api.as('desktop');
    const stream = (await desktop.sync.changes({ topics: ['stock-items'], warehouse: 'MAIN', lastEventId: first.events[0]!.id })) as AsyncIterable<[string, ChangeEvent]>;
    const seen: string[] = [];
    const live = setTimeout(() => void bed.apply('stock-items', stockItemBody({ inventoryId: 'LIVE' })), 200);
    for await (const [id, event] of stream) {
      expect(id).toBe(event.id);
      seen.push(String(event.rowKey.inventoryId));
      if (seen.length === 2) break;
    }
    clearTimeout(live);
    expect(seen).toEqual(['FEED2', 'LIVE']);
  });

  it('answers RESYNC_REQUIRED to a lastEventId that is not one of its ids', async () => {
    const desktop = await api.as('desktop');
    const refused = await (async () => {
      for await (const _ of (await desktop.sync.changes({ lastEventId: '12345' })) as AsyncIterable<unknown>) return 'streamed';
      return 'ended';
    })().catch((error: unknown) => error);
    expect(codeOf(refused)).toBe('PRECONDITION_FAILED');
  });
});
