import type { PulledRecord } from '@wmsi/change-feed';
import { pruneChangeLog } from '@wmsi/change-feed';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRouter } from './router.js';

type Fields = Record<string, unknown>;
const poRow = (orderNbr: string, lineNbr: number, fields: Fields = {}): Fields => ({
  OrderType: 'Normal', OrderNbr: orderNbr, Status: 'Open', Warehouse: 'MAIN', LineNbr: lineNbr, InventoryID: 'AALEGO500', OrderQty: 10, OpenQty: 10, ...fields,
});
const poBody = (options: { inserted?: Fields[]; deleted?: Fields[] }) => notificationBody({ query: 'WMS Purchase Orders', timeStamp: nextTimeStamp(), ...options });

/** A handheld's local store, as WatermelonDB keeps one: records by key, removed ones dropped. */
class LocalStore {
  readonly records = new Map<string, PulledRecord>();
  apply(records: readonly PulledRecord[]): void {
    for (const record of records) {
      const key = JSON.stringify([record.topic, record.level, record.key]);
      if (record.state === 'live') this.records.set(key, record);
      else this.records.delete(key);
    }
  }
  has(orderNbr: string, lineNbr?: number): boolean {
    return [...this.records.values()].some((record) => record.key.orderNbr === orderNbr && (lineNbr === undefined ? record.level === 'document' : record.key.lineNbr === lineNbr));
  }
  line(orderNbr: string, lineNbr: number): Fields | undefined {
    return [...this.records.values()].find((record) => record.level === 'line' && record.key.orderNbr === orderNbr && record.key.lineNbr === lineNbr)?.record;
  }
}

describe('sync.pull: delta sync for handhelds that work offline', () => {
  let bed: ChangesTestbed;
  const appRouter = router({ sync: syncRouter });
  let api: ReturnType<typeof createRouterTestbed<typeof appRouter>>;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving' });
    api = createRouterTestbed(bed, appRouter);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  /** Pulls until the snapshot or the delta has no more pages; returns the cursor to keep. */
  async function pullAll(store: LocalStore, input: { since?: string; warehouse?: string; limit: number }): Promise<{ cursor: string; pages: number }> {
    const handheld = await api.as('handheld');
    let since = input.since;
    for (let pages = 1; ; pages++) {
      const page = await handheld.sync.pull({ ...input, since, topics: ['purchase-orders'] });
      store.apply(page.records);
      since = page.cursor;
      if (!page.hasMore) return { cursor: page.cursor, pages };
    }
  }

  it('gives a snapshot page by page, then only what changed after it, with tombstones and records that left the warehouse', async () => {
    for (let i = 0; i < 5; i++) await bed.apply('purchase-orders', poBody({ inserted: [poRow(`PULL-${i}`, 1), poRow(`PULL-${i}`, 2)] }));
    await bed.apply('purchase-orders', poBody({ inserted: [poRow('PULL-EAST', 1, { Warehouse: 'EAST' })] }));

    const store = new LocalStore();
    const first = await pullAll(store, { warehouse: 'MAIN', limit: 2 });
    expect(first.pages).toBe(3);
    for (let i = 0; i < 5; i++) expect(store.has(`PULL-${i}`, 2)).toBe(true);
    expect(store.has('PULL-EAST')).toBe(false);

    // While the handheld is offline: an ordered quantity cut, a line removed, an order moved away.
    await bed.apply('purchase-orders', poBody({ deleted: [poRow('PULL-0', 1)], inserted: [poRow('PULL-0', 1, { OrderQty: 4, OpenQty: 4 })] }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow('PULL-1', 2)] }));
    await bed.endWindows();
    await bed.apply('purchase-orders', poBody({ deleted: [poRow('PULL-2', 1), poRow('PULL-2', 2)], inserted: [poRow('PULL-2', 1, { Warehouse: 'EAST' }), poRow('PULL-2', 2, { Warehouse: 'EAST' })] }));

    const delta = await (await api.as('handheld')).sync.pull({ since: first.cursor, topics: ['purchase-orders'], warehouse: 'MAIN', limit: 100 });
    expect(delta.hasMore).toBe(false);
    expect(delta.snapshot).toBe(false);
    const states = delta.records.map((record) => `${record.key.orderNbr}:${record.key.lineNbr ?? 'document'}:${record.state}`).sort();
    expect(states).toEqual(['PULL-0:1:live', 'PULL-1:2:removed', 'PULL-2:1:moved', 'PULL-2:2:moved']);
    store.apply(delta.records);
    expect(store.line('PULL-0', 1)).toMatchObject({ orderQty: '4', openQty: '4' });
    expect(store.has('PULL-1', 2)).toBe(false);
    expect(store.has('PULL-2', 1)).toBe(false);

    // Nothing changed since: an empty page with the same cursor.
    const quiet = await (await api.as('handheld')).sync.pull({ since: delta.cursor, topics: ['purchase-orders'], limit: 100 });
    expect(quiet).toMatchObject({ records: [], cursor: delta.cursor, hasMore: false });
  });

  it('answers RESYNC_REQUIRED to a cursor older than the log keeps, and to one it never gave', async () => {
    const store = new LocalStore();
    const { cursor } = await pullAll(store, { limit: 100 });
    await bed.apply('purchase-orders', poBody({ inserted: [poRow('PULL-OLD', 1)] }));
    await sql`update change_log set applied_at = now() - interval '31 days'`.execute(bed.db);
    expect(await pruneChangeLog(bed.db, { retentionDays: 30 })).toBeGreaterThan(0);
    const handheld = await api.as('handheld');
    for (const since of [cursor, 's.bm90IGEgY3Vyc29y', '1-2-3']) {
      const refused = await handheld.sync.pull({ since, limit: 10 }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TRPCError);
      expect((refused as TRPCError).code).toBe('PRECONDITION_FAILED');
    }
  });
});
