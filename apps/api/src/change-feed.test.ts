import { fileURLToPath } from 'node:url';
import { changesChannel, type ChangeEvent } from '@wmsi/change-feed';
import { accepted, createChangesTestbed, startWorkerProcess, type ChangesTestbed, type WorkerProcess } from '@wmsi/changes/testing';
import { createWmsClient, type WmsClient } from '@wmsi/client';
import { nextTimeStamp, notificationBody, stockItemBody } from '@wmsi/contracts/testing';
import { notificationJobOptions } from '@wmsi/queue';
import { issueToken, revokeToken } from '@wmsi/trpc';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';

// The change feed as a client sees it: subscribe, drop off, resume from the last event id, count.

interface Followed {
  events: ChangeEvent[];
  error: unknown;
  stop(): void;
  /** Resolves once `count` events arrived in all (or throws after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ChangeEvent[]>;
  ended(): boolean;
}

function follow(client: WmsClient, input: { topics?: Array<'stock-items' | 'purchase-orders'>; lastEventId?: string; warehouse?: string } = {}): Followed & { ready: Promise<void> } {
  const events: ChangeEvent[] = [];
  let error: unknown;
  let ended = false;
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const subscription = client.sync.changes.subscribe(input, {
    onStarted: () => started(),
    onData: (tracked) => events.push(tracked.data as ChangeEvent),
    onError: (reason) => {
      error = reason;
      ended = true;
    },
    onComplete: () => (ended = true),
  });
  return {
    events,
    ready,
    get error() {
      return error;
    },
    stop: () => subscription.unsubscribe(),
    ended: () => ended,
    waitFor: async (count, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (error !== undefined) throw error;
        if (Date.now() > deadline) throw new Error(`got ${events.length} of ${count} events`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return events;
    },
  };
}

/** Applies `count` stock-item changes in notifications of 50 items, as a worker would, and wakes the feeds. */
async function burstOfItemChanges(bed: ChangesTestbed, count: number): Promise<string[]> {
  const prefix = `B${randomUUID().slice(0, 6)}`;
  const ids: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const body = stockItemBody({ inventoryId: `${prefix}-${start}`, items: Math.min(50, count - start), timeStamp: nextTimeStamp() });
    const { events } = await bed.applyBatch([accepted('stock-items', body)]);
    ids.push(...events.map((event) => event.id));
    await bed.redis.publish(changesChannel(bed.prefix), events.at(-1)!.id);
  }
  return ids;
}

describe('the change feed over HTTP, as a handheld sees it', () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  let handheld: WmsClient;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items' });
    api = await startTestApi(bed);
    handheld = createWmsClient({ url: api.url, token: (await issueToken(bed.db, 'handheld', 'Scanner 4')).token });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  it('gives a handheld that was offline during a burst of 2,500 changes all 2,500 when it resumes, once each, in order', async () => {
    const online = follow(handheld, { topics: ['stock-items'] });
    await online.ready;
    const [first] = await burstOfItemChanges(bed, 1);
    await online.waitFor(1);
    online.stop();

    const missed = await burstOfItemChanges(bed, 2_500);
    const resumed = follow(handheld, { topics: ['stock-items'], lastEventId: first });
    const events = await resumed.waitFor(2_500, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    resumed.stop();
    expect(events.map((event) => event.id)).toEqual(missed);
  }, 120_000);

  it('gives a handheld that drops off every 300 events and resumes every change exactly once', async () => {
    const marker = follow(handheld, { topics: ['stock-items'] });
    await marker.ready;
    const [start] = await burstOfItemChanges(bed, 1);
    await marker.waitFor(1);
    marker.stop();

    const produced = burstOfItemChanges(bed, 2_000);
    const received: string[] = [];
    let lastEventId = start;
    while (received.length < 2_000) {
      const leg = follow(handheld, { topics: ['stock-items'], lastEventId });
      await leg.waitFor(Math.min(300, 2_000 - received.length), 60_000);
      leg.stop();
      // Whatever arrived before the stop took effect counts too: the next leg resumes after it.
      received.push(...leg.events.map((event) => event.id));
      lastEventId = received.at(-1)!;
    }
    const ids = await produced;
    expect(new Set(received).size).toBe(received.length);
    expect(received.slice(0, ids.length)).toEqual(ids);
  }, 120_000);

  it('loses nothing when the API process loses its Redis subscription: the log is the truth', async () => {
    const stream = follow(handheld, { topics: ['stock-items'] });
    await stream.ready;
    // Every pub/sub connection of this Redis in the API's name is cut; ioredis reconnects after a while.
    await bed.redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    const ids = await burstOfItemChanges(bed, 200);
    const events = await stream.waitFor(200, 30_000);
    stream.stop();
    expect(events.map((event) => event.id)).toEqual(ids);
  }, 60_000);

  it('resumes by itself when its connection drops: a new ticket, its last event id, every change once', async () => {
    const stream = follow(handheld, { topics: ['stock-items'] });
    await stream.ready;
    const before = await burstOfItemChanges(bed, 50);
    await stream.waitFor(50);
    // Every connection to the API is cut (as a restart does); the EventSource's own reconnection
    // presents the spent ticket and is refused, and the client opens the stream again.
    api.app.server.closeAllConnections();
    const after = await burstOfItemChanges(bed, 50);
    const events = await stream.waitFor(100, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stream.stop();
    expect(stream.error).toBeUndefined();
    expect(events.map((event) => event.id)).toEqual([...before, ...after]);
  }, 60_000);

  it("ends a stream within seconds of its token's revocation", async () => {
    const issued = await issueToken(bed.db, 'handheld', 'Scanner to revoke');
    const stream = follow(createWmsClient({ url: api.url, token: issued.token }), { topics: ['stock-items'] });
    await stream.ready;
    await revokeToken(bed.db, issued.tokenId);
    const revokedAt = Date.now();
    while (!stream.ended() && Date.now() - revokedAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stream.ended()).toBe(true);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    stream.stop();
  }, 30_000);

  it('answers RESYNC_REQUIRED to an event id it never gave, so the handheld re-reads its snapshot', async () => {
    const stream = follow(handheld, { lastEventId: '42' });
    const deadline = Date.now() + 10_000;
    while (stream.error === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    stream.stop();
    expect((stream.error as { data?: { appCode?: string } }).data?.appCode).toBe('RESYNC_REQUIRED');
  });
});

describe('four worker processes committing at once, a subscriber dropping off at random points', () => {
  const workerRoot = fileURLToPath(new URL('../../worker-receiving', import.meta.url));
  let bed: ChangesTestbed;
  let api: TestApi;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', windowMs: 200 });
    api = await startTestApi(bed);
    const env = {
      DATABASE_URL: bed.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: bed.prefix,
      PAIRING_WINDOW_MS: '200',
    };
    // One after the other: four cold starts at once can take longer than a start is allowed on two cores.
    for (let i = 0; i < 4; i++) workers.push(await startWorkerProcess(workerRoot, env));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
    await api?.close();
    await bed?.cleanup();
  });

  it('receives every change exactly once and in log order', async () => {
    const client = createWmsClient({ url: api.url, token: (await issueToken(bed.db, 'desktop', 'Follower')).token });
    const first = follow(client);
    await first.ready;

    // 400 POs, then for each a change of its first line, a line removed or one added: jobs of 1 to 5.
    const poRow = (orderNbr: string, lineNbr: number, fields: Record<string, unknown> = {}) => ({
      OrderType: 'Normal', OrderNbr: orderNbr, Status: 'Open', Warehouse: 'MAIN', LineNbr: lineNbr, InventoryID: 'AALEGO500', OrderQty: 10, OpenQty: 10, ...fields,
    });
    const body = (options: { inserted?: object[]; deleted?: object[] }) =>
      notificationBody({ query: 'WMS Purchase Orders', timeStamp: nextTimeStamp(), inserted: options.inserted as never[], deleted: options.deleted as never[] });
    const orders = Array.from({ length: 400 }, (_, i) => `FOUR-${i}-${randomUUID().slice(0, 4)}`);
    const bodies = [
      ...orders.map((orderNbr) => body({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2)] })),
      ...orders.map((orderNbr, i) =>
        i % 3 === 0
          ? body({ deleted: [poRow(orderNbr, 1)], inserted: [poRow(orderNbr, 1, { OpenQty: 5 })] })
          : i % 3 === 1
            ? body({ deleted: [poRow(orderNbr, 2)] })
            : body({ inserted: [poRow(orderNbr, 3)] }),
      ),
    ];
    const enqueueing = (async () => {
      for (let i = 0; i < bodies.length; ) {
        const size = 1 + Math.floor(Math.random() * 5);
        const notifications = bodies.slice(i, i + size).map((text) => accepted('purchase-orders', text));
        i += size;
        await bed.queue.add('receiving', { notifications }, { ...notificationJobOptions, jobId: notifications[0]!.intakeId });
      }
    })();

    // The subscriber drops off after 1 to 150 events each time, and resumes from its last id.
    const received: ChangeEvent[] = [];
    let leg = first;
    let resumes = 0;
    const quiet = async () => (await bed.queue.getJobCountByTypes('active', 'wait', 'delayed')) === 0 && (await bed.pendingWindows()).length === 0;
    for (;;) {
      const take = 1 + Math.floor(Math.random() * 150);
      await leg.waitFor(take, 3_000).catch(() => undefined);
      leg.stop();
      received.push(...leg.events);
      const logged = await bed.db.selectFrom('change_log').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
      if (received.length >= Number(logged.count) && (await quiet())) break;
      leg = follow(client, { lastEventId: received.at(-1)?.id });
      resumes += 1;
    }
    await enqueueing;

    const log = await bed.changeLog();
    const ids = received.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(log.map((row) => `${row.xid}-${row.seq}`));
    expect(resumes).toBeGreaterThan(5);
    expect((await bed.queue.getFailedCount())).toBe(0);
    console.info(`four workers: ${ids.length} changes received exactly once over ${resumes + 1} connections`);
  }, 180_000);
});
