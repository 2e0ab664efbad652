import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { inventoryAdjustmentBody, nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { adjustmentsRouter, adjustmentsTables } from './index.js';

const appRouter = router({ adjustments: adjustmentsRouter });

interface AdjustmentLine {
  lineNbr: number;
  inventoryId: string;
  warehouse: string;
  location?: string;
  qty: number;
}

/** The rows of one adjustment as the "WMS Inventory Adjustments" inquiry sends them: header repeated per line. */
const adjustmentRows = (referenceNbr: string, status: string, lines: AdjustmentLine[]) =>
  lines.map((line) => ({
    ReferenceNbr: referenceNbr,
    Status: status,
    Date: '2024-05-09T00:00:00',
    Description: 'Cycle count',
    PIID: null,
    LineNbr: line.lineNbr,
    InventoryID: line.inventoryId,
    Warehouse: line.warehouse,
    // Omitted when the warehouse has no locations: the line's location stays null.
    ...(line.location === undefined ? {} : { Location: line.location }),
    Qty: line.qty,
    UOM: 'EA',
    ReasonCode: 'PHYSICAL',
    LastModifiedDateTime: '2024-05-09T16:20:41.8',
  }));
const adjustments = (body: { inserted?: Record<string, unknown>[]; deleted?: Record<string, unknown>[]; timeStamp?: string }) =>
  notificationBody({ query: 'WMS Inventory Adjustments', ...body });

describe('adjustments router', () => {
  let bed: ChangesTestbed;
  let api: ReturnType<typeof createRouterTestbed<typeof appRouter>>;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'adjustments', tables: adjustmentsTables });
    api = createRouterTestbed(bed, appRouter);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  const count = async (place: { inventoryId: string; warehouse: string; location?: string }, qty: number) =>
    (await api.as('handheld')).adjustments.recordCount({ ...place, qty });

  describe('adjustment', () => {
    it('returns the header with its lines in line order, quantities exact and signed', async () => {
      const timeStamp = nextTimeStamp();
      await bed.apply('inventory-adjustments', inventoryAdjustmentBody({ referenceNbr: 'ADJ000101', timeStamp }));
      const adjustment = await (await api.as('desktop')).adjustments.adjustment({ referenceNbr: ' ADJ000101 ' });
      expect(adjustment).toMatchObject({
        referenceNbr: 'ADJ000101',
        status: 'Released',
        piId: 'PI000012',
        description: 'Cycle count, aisle R',
        sourceTimestamp: timeStamp,
        removedAt: null,
        lines: [
          { lineNbr: 1, inventoryId: 'AALEGO500', warehouse: 'MAIN', location: 'R1S1', qty: '8.5', reasonCode: 'PHYSICAL', removedAt: null },
          { lineNbr: 2, inventoryId: 'AACOMPUT01', warehouse: 'MAIN', location: 'R2S1', qty: '-16', reasonCode: 'PHYSICAL', removedAt: null },
        ],
      });
      expect(adjustment?.appliedAt).toBeInstanceOf(Date);
      expect(adjustment?.lines[0].sourceTimestamp).toBe(timeStamp);
    });

    it('returns null for an adjustment the ERP never sent', async () => {
      expect(await (await api.as('handheld')).adjustments.adjustment({ referenceNbr: 'ADJ999999' })).toBeNull();
    });
  });

  describe('recordCount', () => {
    it("records a handheld's count under its token, with location '' when there is none", async () => {
      const recorded = await count({ inventoryId: ' CONAIRT1 ', warehouse: 'NORTH' }, -1);
      expect(recorded).toMatchObject({ inventoryId: 'CONAIRT1', warehouse: 'NORTH', location: '', qty: '-1' });
      expect(recorded.id).toMatch(/^\d+$/);
      expect(recorded.recordedAt).toBeInstanceOf(Date);
      const token = await bed.db.selectFrom('api_tokens').select('role').where('id', '=', recorded.tokenId).executeTakeFirstOrThrow();
      expect(token.role).toBe('handheld');
    });

    it('records a count retried with the same operation id once, and refuses the id for another count', async () => {
      const handheld = await api.as('handheld');
      const place = { inventoryId: 'CONAIRT1', warehouse: 'NORTH', location: 'R9S9', operationId: randomUUID() };
      const results = [...(await Promise.all([handheld.adjustments.recordCount({ ...place, qty: 3 }), handheld.adjustments.recordCount({ ...place, qty: 3 })]))];
      results.push(await handheld.adjustments.recordCount({ ...place, qty: 3 }));
      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
      expect(new Set(results.map((result) => result.id)).size).toBe(1);
      expect(await bed.db.selectFrom('cycle_counts').select('qty').where('location', '=', 'R9S9').execute()).toEqual([{ qty: '3' }]);
      await expect(handheld.adjustments.recordCount({ ...place, qty: 4 })).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('lets an admin count too, and refuses a desktop token with FORBIDDEN, recording nothing', async () => {
      const place = { inventoryId: 'CONAIRT1', warehouse: 'NORTH', location: 'R7S1' };
      await expect((await api.as('admin')).adjustments.recordCount({ ...place, qty: 2 })).resolves.toMatchObject({ qty: '2' });
      const refused = (await api.as('desktop')).adjustments.recordCount({ ...place, qty: 5 });
      await expect(refused).rejects.toBeInstanceOf(TRPCError);
      await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const counts = await bed.db.selectFrom('cycle_counts').select('qty').where('location', '=', 'R7S1').execute();
      expect(counts).toEqual([{ qty: '2' }]);
    });
  });

  describe('reconciliation', () => {
    it('sets counted differences against released adjustments per place: 0 when the ERP booked what the floor found', async () => {
      await bed.apply(
        'inventory-adjustments',
        adjustments({
          inserted: adjustmentRows('ADJ-E1', 'Released', [
            { lineNbr: 1, inventoryId: 'AALEGO500', warehouse: 'EAST', location: 'R1S1', qty: 5 },
            { lineNbr: 2, inventoryId: 'AACOMPUT01', warehouse: 'EAST', location: 'R2S1', qty: -16 },
            { lineNbr: 3, inventoryId: 'FOODCHICK', warehouse: 'EAST', location: 'F1', qty: 0.3 },
            { lineNbr: 4, inventoryId: 'APJAM08', warehouse: 'EAST', location: 'R5S1', qty: -4 },
          ]),
        }),
      );
      await bed.apply(
        'inventory-adjustments',
        adjustments({ inserted: adjustmentRows('ADJ-E2', 'Released', [{ lineNbr: 1, inventoryId: 'AALEGO500', warehouse: 'EAST', location: 'R1S1', qty: 3.5 }]) }),
      );
      await count({ inventoryId: 'AALEGO500', warehouse: 'EAST', location: 'R1S1' }, 8.5);
      // One short less than the ERP booked: a variance someone must look at.
      await count({ inventoryId: 'AACOMPUT01', warehouse: 'EAST', location: 'R2S1' }, -15);
      // Summed in numeric: 0.1 + 0.2 is exactly 0.3, as the ERP booked.
      await count({ inventoryId: 'FOODCHICK', warehouse: 'EAST', location: 'F1' }, 0.1);
      await count({ inventoryId: 'FOODCHICK', warehouse: 'EAST', location: 'F1' }, 0.2);
      // Counted, never adjusted in the ERP.
      await count({ inventoryId: 'CONGRILL', warehouse: 'EAST', location: 'R3S1' }, 2);

      const { items: places, nextCursor } = await (await api.as('desktop')).adjustments.reconciliation({ warehouse: 'EAST' });
      expect(nextCursor).toBeNull();
      expect(places).toEqual([
        expect.objectContaining({ inventoryId: 'AACOMPUT01', location: 'R2S1', countedDifference: '-15', erpAdjustedQty: '-16', variance: '1', referenceNbrs: ['ADJ-E1'] }),
        expect.objectContaining({ inventoryId: 'AALEGO500', location: 'R1S1', countedDifference: '8.5', erpAdjustedQty: '8.5', variance: '0', referenceNbrs: ['ADJ-E1', 'ADJ-E2'] }),
        // Adjusted in the ERP, never counted by the WMS.
        { inventoryId: 'APJAM08', warehouse: 'EAST', location: 'R5S1', countedDifference: '0', erpAdjustedQty: '-4', variance: '4', lastCountedAt: null, referenceNbrs: ['ADJ-E1'] },
        expect.objectContaining({ inventoryId: 'CONGRILL', location: 'R3S1', countedDifference: '2', erpAdjustedQty: '0', variance: '2', referenceNbrs: [] }),
        expect.objectContaining({ inventoryId: 'FOODCHICK', location: 'F1', countedDifference: '0.3', erpAdjustedQty: '0.3', variance: '0', referenceNbrs: ['ADJ-E1'] }),
      ]);
      for (const place of places.filter((p) => p.inventoryId !== 'APJAM08')) expect(place.lastCountedAt).toBeInstanceOf(Date);
    });

    it('leaves out adjustments not released yet, until the ERP releases them', async () => {
      const place = { inventoryId: 'AALEGO500', warehouse: 'WEST', location: 'R1S1' };
      const balanced = adjustmentRows('ADJ-W1', 'Balanced', [{ lineNbr: 1, ...place, qty: 2 }]);
      await bed.apply('inventory-adjustments', adjustments({ inserted: balanced }));
      await count(place, 2);
      const desk = await api.as('desktop');
      expect((await desk.adjustments.reconciliation({ warehouse: 'WEST' })).items).toEqual([
        expect.objectContaining({ ...place, countedDifference: '2', erpAdjustedQty: '0', variance: '2', referenceNbrs: [] }),
      ]);

      // The release: one transaction, the Balanced state in Deleted and the Released one in Inserted.
      const released = adjustmentRows('ADJ-W1', 'Released', [{ lineNbr: 1, ...place, qty: 2 }]);
      expect(await bed.apply('inventory-adjustments', adjustments({ deleted: balanced, inserted: released }))).toMatchObject({ applied: 1 });
      expect((await desk.adjustments.reconciliation({ warehouse: 'WEST' })).items).toEqual([
        expect.objectContaining({ ...place, countedDifference: '2', erpAdjustedQty: '2', variance: '0', referenceNbrs: ['ADJ-W1'] }),
      ]);
    });

    it("matches a line without a location to counts without one, and drops an adjustment that left the ERP's inquiry", async () => {
      const rows = adjustmentRows('ADJ-S1', 'Released', [{ lineNbr: 1, inventoryId: 'BLENDERMX', warehouse: 'SOUTH', qty: 3 }]);
      await bed.apply('inventory-adjustments', adjustments({ inserted: rows }));
      await count({ inventoryId: 'BLENDERMX', warehouse: 'SOUTH' }, 3);
      const desk = await api.as('desktop');
      expect((await desk.adjustments.reconciliation({ warehouse: 'SOUTH' })).items).toEqual([
        expect.objectContaining({ location: '', countedDifference: '3', erpAdjustedQty: '3', variance: '0', referenceNbrs: ['ADJ-S1'] }),
      ]);

      await bed.apply('inventory-adjustments', adjustments({ deleted: rows }));
      expect(await bed.endWindows()).toMatchObject({ removals: 1 });
      expect((await desk.adjustments.adjustment({ referenceNbr: 'ADJ-S1' }))?.removedAt).toBeInstanceOf(Date);
      expect((await desk.adjustments.reconciliation({ warehouse: 'SOUTH' })).items).toEqual([
        expect.objectContaining({ location: '', countedDifference: '3', erpAdjustedQty: '0', variance: '3', referenceNbrs: [] }),
      ]);
    });

    it('filters by warehouse, and without a filter lists every warehouse', async () => {
      const desk = await api.as('desktop');
      const { items: east } = await desk.adjustments.reconciliation({ warehouse: 'EAST' });
      expect(new Set(east.map((place) => place.warehouse))).toEqual(new Set(['EAST']));
      const { items: everywhere } = await desk.adjustments.reconciliation({ limit: 200 });
      expect(new Set(everywhere.map((place) => place.warehouse))).toEqual(new Set(['MAIN', 'NORTH', 'EAST', 'WEST', 'SOUTH']));
      expect(everywhere.filter((place) => place.warehouse === 'EAST')).toEqual(east);
      expect(await desk.adjustments.reconciliation({ warehouse: 'NOWHERE' })).toEqual({ items: [], nextCursor: null });
    });

    it('pages in place order with limit and cursor: every place once, the same as one page of all', async () => {
      const desk = await api.as('desktop');
      // Places on both sides of the join and on one side only, interleaved in key order.
      await bed.apply(
        'inventory-adjustments',
        adjustments({
          inserted: adjustmentRows('ADJ-P1', 'Released', [
            { lineNbr: 1, inventoryId: 'PAGEA', warehouse: 'PAGED', location: 'L1', qty: 1 },
            { lineNbr: 2, inventoryId: 'PAGEB', warehouse: 'PAGED', qty: 2 },
            { lineNbr: 3, inventoryId: 'PAGED', warehouse: 'PAGED', location: 'L9', qty: 3 },
          ]),
        }),
      );
      for (const [inventoryId, location] of [['PAGEA', 'L1'], ['PAGEA', 'L2'], ['PAGEC', ''], ['PAGED', 'L1'], ['PAGEE', 'L1']] as const) {
        await count({ inventoryId, warehouse: 'PAGED', location }, 1);
      }
      const { items: whole } = await desk.adjustments.reconciliation({ warehouse: 'PAGED', limit: 200 });
      expect(whole.map((place) => `${place.inventoryId}/${place.location}`)).toEqual(['PAGEA/L1', 'PAGEA/L2', 'PAGEB/', 'PAGEC/', 'PAGED/L1', 'PAGED/L9', 'PAGEE/L1']);

      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await desk.adjustments.reconciliation({ warehouse: 'PAGED', limit: 2, cursor });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
      expect(pages.flat()).toEqual(whole);

      // Without a warehouse the pages run across every warehouse in the same order.
      const all = [];
      cursor = undefined;
      do {
        const page = await desk.adjustments.reconciliation({ limit: 3, cursor });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(all).toEqual((await desk.adjustments.reconciliation({ limit: 200 })).items);
      expect(all.length).toBeGreaterThan(10);
    });

    it('refuses a cursor it never gave with BAD_REQUEST naming the cursor, and a limit past 200', async () => {
      const desk = await api.as('desktop');
      const forged = Buffer.from(JSON.stringify(['A', 1e300, 'x'])).toString('base64url');
      const error = await desk.adjustments.reconciliation({ cursor: forged }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BAD_REQUEST' });
      expect(((error as TRPCError).cause as ZodError).issues.map((issue) => issue.path)).toEqual([['cursor']]);
      const nul = Buffer.from(JSON.stringify(['A\u0000', 'B', 'C'])).toString('base64url');
      await expect(desk.adjustments.reconciliation({ cursor: nul })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(desk.adjustments.reconciliation({ limit: 201 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });

  describe('auth and bounds', () => {
    it('refuses an anonymous caller with UNAUTHORIZED', async () => {
      const anonymous = api.anonymous();
      await expect(anonymous.adjustments.adjustment({ referenceNbr: 'ADJ000101' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(anonymous.adjustments.reconciliation()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(anonymous.adjustments.recordCount({ inventoryId: 'X', warehouse: 'MAIN', qty: 1 })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses counts out of bounds with BAD_REQUEST, the zod issue naming the field', async () => {
      const handheld = await api.as('handheld');
      const cases: [Parameters<typeof handheld.adjustments.recordCount>[0], string][] = [
        [{ inventoryId: 'X', warehouse: 'MAIN', qty: 1e12 }, 'qty'],
        [{ inventoryId: 'X', warehouse: 'MAIN', qty: Number.NaN }, 'qty'],
        [{ inventoryId: '  ', warehouse: 'MAIN', qty: 1 }, 'inventoryId'],
        [{ inventoryId: 'X', warehouse: 'W'.repeat(10_000), qty: 1 }, 'warehouse'],
      ];
      for (const [input, field] of cases) {
        const error = await handheld.adjustments.recordCount(input).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toMatchObject({ code: 'BAD_REQUEST' });
        const cause = (error as TRPCError).cause;
        expect(cause).toBeInstanceOf(ZodError);
        expect((cause as ZodError).issues.map((issue) => issue.path.join('.'))).toEqual([field]);
      }
    });
  });
});
