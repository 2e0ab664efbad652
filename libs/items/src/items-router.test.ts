import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { nextTimeStamp, notificationBody, sampleBody, stockItemBody } from '@wmsi/contracts/testing';
import { createContextInner, issueToken, router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { itemsRouter, itemsTables } from './index.js';

const appRouter = router({ items: itemsRouter });

/** One stock item as the "WMS Stock Items" inquiry sends it, only the columns a test cares about. */
const itemRow = (inventoryId: string, fields: Record<string, unknown> = {}) => ({
  InventoryID: inventoryId,
  Description: `Item ${inventoryId}`,
  ItemStatus: 'Active',
  ...fields,
});
const stockItems = (rows: { inserted?: Record<string, unknown>[]; deleted?: Record<string, unknown>[]; timeStamp?: string }) =>
  notificationBody({ query: 'WMS Stock Items', ...rows });

describe('items router', () => {
  let bed: ChangesTestbed;
  let api: ReturnType<typeof createRouterTestbed<typeof appRouter>>;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items', tables: itemsTables });
    api = createRouterTestbed(bed, appRouter);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  describe('get', () => {
    it('returns an inserted item camelCased, with its TimeStamp as exact digits', async () => {
      const timeStamp = nextTimeStamp();
      await bed.apply('stock-items', stockItemBody({ inventoryId: 'DESKLAMP01', timeStamp }));
      const desk = await api.as('desktop');
      const item = await desk.items.get({ inventoryId: '  DESKLAMP01 ' });
      expect(item).toMatchObject({
        inventoryId: 'DESKLAMP01',
        description: 'Lego 500 piece set',
        itemStatus: 'Active',
        itemClass: 'STOCKITEM',
        baseUnit: 'EA',
        weight: '0.25',
        barcode: '4001234500001',
        defaultWarehouse: 'MAIN',
        sourceTimestamp: timeStamp,
        removedAt: null,
        extra: {},
      });
      expect(item?.appliedAt).toBeInstanceOf(Date);
    });

    it("shows AACOMPUT01 Inactive after Acumatica's own status-change sample", async () => {
      // Received Active first, at a TimeStamp older than the sample's, so the sample is the update.
      await bed.apply('stock-items', stockItems({ inserted: [itemRow('AACOMPUT01')], timeStamp: '636295833829493000' }));
      const handheld = await api.as('handheld');
      expect(await handheld.items.get({ inventoryId: 'AACOMPUT01' })).toMatchObject({ itemStatus: 'Active' });

      await bed.apply('stock-items', sampleBody('stock-item-status-change.json'));
      expect(await handheld.items.get({ inventoryId: 'AACOMPUT01' })).toMatchObject({
        itemStatus: 'Inactive',
        // Not sent by the sample: kept from before ("missing column = not sent").
        description: 'Item AACOMPUT01',
        sourceTimestamp: '636295833829493672',
        lastModifiedDateTime: '2024-05-05T15:16:23.1',
        extra: { StockItem: true },
        removedAt: null,
      });
    });

    it('returns a removed item with removedAt set, once its pairing window ended', async () => {
      const row = itemRow('CONGRILL', { Barcode: '4009999900001' });
      await bed.apply('stock-items', stockItems({ inserted: [row] }));
      await bed.apply('stock-items', stockItems({ deleted: [row] }));
      // Still parked: a lone Deleted may be half of an update.
      expect((await (await api.as('desktop')).items.get({ inventoryId: 'CONGRILL' }))?.removedAt).toBeNull();

      expect(await bed.endWindows()).toMatchObject({ removals: 1 });
      const removed = await (await api.as('desktop')).items.get({ inventoryId: 'CONGRILL' });
      expect(removed).toMatchObject({ inventoryId: 'CONGRILL', description: 'Item CONGRILL' });
      expect(removed?.removedAt).toBeInstanceOf(Date);
    });

    it('returns null for an item the ERP never sent', async () => {
      expect(await (await api.as('desktop')).items.get({ inventoryId: 'NEVERSENT' })).toBeNull();
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      await bed.apply(
        'stock-items',
        stockItems({
          inserted: [
            itemRow('SCAN-3'),
            itemRow('SCAN'),
            itemRow('SCAN-2'),
            // Matches by description only.
            itemRow('ZZCRADLE', { Description: 'Cradle for a handheld SCANNER' }),
            // Would match "SCAN_" if "_" were a wildcard.
            itemRow('SCANX'),
            itemRow('SCAN-OLD'),
            itemRow('NOMATCH', { Description: 'Blender' }),
          ],
        }),
      );
      await bed.apply('stock-items', stockItems({ deleted: [itemRow('SCAN-OLD')] }));
      await bed.endWindows();
    });

    it('walks every page with limit 1: id prefix or description, case-insensitive, live only, by id', async () => {
      const desk = await api.as('desktop');
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const result = await desk.items.search({ query: 'Scan', limit: 1, cursor });
        expect(result.items.length).toBeLessThanOrEqual(1);
        seen.push(...result.items.map((item) => item.inventoryId));
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      expect(seen).toEqual(['SCAN', 'SCAN-2', 'SCAN-3', 'SCANX', 'ZZCRADLE']);
      // One page holds them all and says there is no next one.
      expect(await desk.items.search({ query: 'scan' })).toMatchObject({ nextCursor: null, items: { length: 5 } });
    });

    it('takes LIKE wildcards in a query literally', async () => {
      const desk = await api.as('desktop');
      expect((await desk.items.search({ query: 'SCAN_' })).items).toEqual([]);
      expect((await desk.items.search({ query: '%' })).items).toEqual([]);
      expect((await desk.items.search({ query: 'scan-' })).items.map((item) => item.inventoryId)).toEqual(['SCAN-2', 'SCAN-3']);
    });

    it('refuses a cursor it never gave', async () => {
      const desk = await api.as('desktop');
      await expect(desk.items.search({ query: 'scan', cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });

  describe('byBarcode', () => {
    it('finds the live item of a barcode, and nothing for a removed or unknown one', async () => {
      await bed.apply('stock-items', stockItems({ inserted: [itemRow('BLENDERMX', { Barcode: '4005555500001' })] }));
      const handheld = await api.as('handheld');
      expect(await handheld.items.byBarcode({ barcode: ' 4005555500001 ' })).toMatchObject({ inventoryId: 'BLENDERMX' });
      // CONGRILL's barcode: the item was removed above.
      expect(await handheld.items.byBarcode({ barcode: '4009999900001' })).toBeNull();
      expect(await handheld.items.byBarcode({ barcode: '0000000000000' })).toBeNull();
    });

    it('answers a barcode two live items share with the first by inventory id, every time', async () => {
      await bed.apply('stock-items', stockItems({ inserted: [itemRow('TWIN-B', { Barcode: '4007777700001' }), itemRow('TWIN-A', { Barcode: '4007777700001' })] }));
      expect(await (await api.as('desktop')).items.byBarcode({ barcode: '4007777700001' })).toMatchObject({ inventoryId: 'TWIN-A' });
    });
  });

  describe('auth and bounds', () => {
    it('refuses an anonymous caller with UNAUTHORIZED', async () => {
      const anonymous = api.anonymous();
      await expect(anonymous.items.get({ inventoryId: 'DESKLAMP01' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(anonymous.items.search({ query: 'scan' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(anonymous.items.byBarcode({ barcode: '4005555500001' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    });

    it('refuses inputs out of bounds with BAD_REQUEST and the zod error as cause', async () => {
      const desk = await api.as('desktop');
      for (const call of [
        () => desk.items.search({ query: 'x'.repeat(10_000) }),
        () => desk.items.search({ query: 'scan', limit: 1000 }),
        () => desk.items.get({ inventoryId: '   ' }),
      ]) {
        const error = await call().then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(TRPCError);
        expect((error as TRPCError).code).toBe('BAD_REQUEST');
        expect((error as TRPCError).cause).toBeInstanceOf(ZodError);
      }
    });

    it('names the offending field in fieldErrors of the error a client receives', async () => {
      const caller = await issueToken(bed.db, 'desktop', 'http test');
      // The same fetch handler an HTTP server runs: the error is formatted and serialized as a client gets it.
      const query = async (path: string, input: unknown) => {
        const url = `http://wmsi.test/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
        const response = await fetchRequestHandler({
          endpoint: '/trpc',
          req: new Request(url),
          router: appRouter,
          createContext: () => createContextInner(api.deps, caller),
        });
        return { status: response.status, body: (await response.json()) as { error: { json: { data: Record<string, unknown> } } } };
      };

      const tooLong = await query('items.search', { query: 'x'.repeat(10_000) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.json.data).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { query: [expect.any(String)] } });
      // No server stack trace goes to a client.
      expect(typeof tooLong.body.error.json.data.stack).not.toBe('string');

      const tooMany = await query('items.search', { query: 'scan', limit: 1000 });
      expect(tooMany.status).toBe(400);
      expect(Object.keys(tooMany.body.error.json.data.fieldErrors as object)).toEqual(['limit']);

      const fine = await query('items.search', { query: 'scan', limit: 2 });
      expect(fine.status).toBe(200);
    });
  });
});
