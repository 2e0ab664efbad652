import { topicTables } from '@wmsi/db';
import { accepted, createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { createNotificationChecker } from '@wmsi/contracts';
import { nextTimeStamp, notificationBody, stockItemBody } from '@wmsi/contracts/testing';
import { quarantineBody } from '@wmsi/db';
import { notificationJobOptions, queueName } from '@wmsi/queue';
import { router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRouter } from './router.js';

const stockItems = [topicTables('stock-items', { document: 'stock_items' })];

describe('sync: quarantine filters, replay of a filtered set, dead letters filtered and replayed together', () => {
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

  /** A body the default mapping refuses (the item is captioned "Item"), quarantined as the gateway does. */
  const quarantineRenamed = (notificationId: string, reason = 'invalid-rows') => {
    const body = notificationBody({ query: 'WMS Stock Items', id: notificationId, inserted: [{ Item: `R${notificationId}`, ItemStatus: 'Active' }], timeStamp: nextTimeStamp() });
    return quarantineBody(bed.db, { topic: 'stock-items', reason, message: 'no InventoryID', issues: [], rawBody: Buffer.from(body), notificationId });
  };

  it('filters the quarantine by reason and finds a body by its notification Id', async () => {
    const admin = await api.as('admin');
    const a = await quarantineRenamed('filter-a', 'invalid-rows');
    const b = await quarantineRenamed('filter-b', 'invalid-envelope');
    expect((await admin.sync.quarantine({ reason: 'invalid-envelope' })).items.map((i) => i.id)).toEqual([b.id]);
    expect((await admin.sync.quarantine({ notificationId: 'filter-a' })).items.map((i) => i.id)).toEqual([a.id]);
    expect((await admin.sync.quarantine({ notificationId: 'no-such-id' })).items).toEqual([]);
  });

  it('replays a filtered set as one action and reports what went through and what is still refused', async () => {
    const admin = await api.as('admin');
    const ids = [await quarantineRenamed('set-1'), await quarantineRenamed('set-2')].map((k) => k.id);
    // Refused by the default mapping: the action ends with both still refused, and says why.
    const first = await admin.sync.replayQuarantined({ filter: { topic: 'stock-items', reason: 'invalid-rows', notificationId: 'set-1' } });
    expect(first).toMatchObject({ total: 1 });
    const refused = await waitUntilDone(admin, first.id);
    expect(refused).toMatchObject({ status: 'done', replayed: 0, stillRefused: 1, refusals: [{ id: ids[0] }] });
    expect(refused.refusals[0].message).toMatch(/Still refused/);

    // The mapping is fixed: the same filter (without the Id) now replays both, as one action.
    const fixedApi = createRouterTestbed(bed, appRouter());
    fixedApi.deps.checkNotification = createNotificationChecker({ 'stock-items': { inventoryId: 'Item' } });
    const fixedAdmin = await fixedApi.as('admin');
    const action = await fixedAdmin.sync.replayQuarantined({ filter: { topic: 'stock-items', reason: 'invalid-rows' } });
    const done = await waitUntilDone(fixedAdmin, action.id);
    expect(done).toMatchObject({ status: 'done', stillRefused: 0 });
    expect(done.replayed).toBe(done.total);
    const pending = (await admin.sync.quarantine({ topic: 'stock-items', reason: 'invalid-rows' })).items.map((i) => i.id);
    for (const id of ids) expect(pending).not.toContain(id);
    expect(await bed.redis.xlen(api.deps.intake.stream)).toBeGreaterThanOrEqual(2);
    await fixedApi.close();
  });

  it('lists one queue\'s dead letters filtered by reason and replays all of the filtered ones', async () => {
    const admin = await api.as('admin');
    const add = () => api.deps.queues.items.add('items', { notifications: [accepted('stock-items', stockItemBody())] }, { ...notificationJobOptions, attempts: 1 });
    const jobs = [await add(), await add(), await add()];
    let calls = 0;
    const failing = new Worker(queueName('items'), async () => {
      calls += 1;
      throw new Error(calls === 2 ? 'deadlock detected' : 'PostgreSQL was down');
    }, { connection: bed.redis, prefix: bed.prefix, concurrency: 1 });
    for (const job of jobs) while ((await job.getState()) !== 'failed') await new Promise((resolve) => setTimeout(resolve, 20));
    await failing.close();

    const down = await admin.sync.deadLetters({ domain: 'items', reason: 'postgresql' });
    expect(down.items).toHaveLength(2);
    expect(down.items.every((job) => job.reason === 'PostgreSQL was down' && job.attempts === 1)).toBe(true);
    const paged = await admin.sync.deadLetters({ domain: 'items', limit: 2 });
    expect(paged.items).toHaveLength(2);
    const rest = await admin.sync.deadLetters({ domain: 'items', limit: 2, cursor: paged.nextCursor! });
    expect([...paged.items, ...rest.items].map((job) => job.jobId).sort()).toEqual(jobs.map((job) => job.id).sort());

    expect(await admin.sync.replayDeadLetters({ domain: 'items', reason: 'PostgreSQL' })).toEqual({ domain: 'items', replayed: 2 });
    expect((await admin.sync.deadLetters({ domain: 'items' })).items.map((job) => job.reason)).toEqual(['deadlock detected']);
  });
});

async function waitUntilDone(caller: { sync: { replayAction(input: { id: string }): Promise<unknown> } }, id: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const progress = (await caller.sync.replayAction({ id })) as { status: string; total: number; replayed: number; stillRefused: number; refusals: Array<{ id: string; message: string }> };
    if (progress.status !== 'running') return progress;
    if (Date.now() > deadline) throw new Error(`replay action ${id} still running`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
