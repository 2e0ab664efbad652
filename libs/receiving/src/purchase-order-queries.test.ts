import { TRPCError } from '@trpc/server';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { timeStampToDate } from '@wmsi/contracts';
import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivingRouter, receivingTables } from './index.js';

type Fields = Record<string, unknown>;
const appRouter = router({ receiving: receivingRouter });

/** One row of "WMS Purchase Orders": a PO line with its header repeated. */
function poRow(orderNbr: string, lineNbr: number, fields: Fields = {}): Fields {
  return {
    OrderType: 'Normal',
    OrderNbr: orderNbr,
    Status: 'Open',
    VendorID: 'V000001',
    Warehouse: 'MAIN',
    LineNbr: lineNbr,
    InventoryID: 'AALEGO500',
    OrderQty: 10,
    ReceivedQty: 0,
    OpenQty: 10,
    LineCompleted: false,
    LineCanceled: false,
    ...fields,
  };
}

const poBody = (options: { inserted?: Fields[]; deleted?: Fields[]; timeStamp: string }) => notificationBody({ query: 'WMS Purchase Orders', ...options });
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A lookup that must have found its record (a failed expectation otherwise, not a type assertion). */
function found<T>(record: T | null): T {
  if (record === null) throw new Error('expected a record, got null');
  return record;
}

async function rejection(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describe('receiving queries: purchaseOrder and expected', () => {
  let bed: ChangesTestbed;
  let api: ReturnType<typeof createRouterTestbed<typeof appRouter>>;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables });
    api = createRouterTestbed(bed, appRouter);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  const receiving = async () => (await api.as('desktop')).receiving;

  it('returns null for a purchase order that was never received', async () => {
    expect(await (await receiving()).purchaseOrder({ orderType: 'Normal', orderNbr: 'PO-NEVER' })).toBeNull();
  });

  it('returns a received PO with its lines in line order, each record with its exact TimeStamp and applied time', async () => {
    const orderNbr = unique('PO');
    const t1 = nextTimeStamp();
    await bed.apply(
      'purchase-orders',
      poBody({ inserted: [poRow(orderNbr, 2, { OrderQty: 4, OpenQty: 4 }), poRow(orderNbr, 1, { OrderQty: 12.5, ReceivedQty: 2.5, OpenQty: 10, Custom: 'x' })], timeStamp: t1 }),
    );
    // Keys are trimmed, as scanners and Acumatica both pad them.
    const po = found(await (await receiving()).purchaseOrder({ orderType: ' Normal ', orderNbr: `${orderNbr}  ` }));
    expect(po).toMatchObject({ orderType: 'Normal', orderNbr, status: 'Open', vendorId: 'V000001', warehouse: 'MAIN', sourceTimestamp: t1, removedAt: null });
    expect(po.appliedAt).toBeInstanceOf(Date);
    expect(po.lines).toMatchObject([
      { lineNbr: 1, orderQty: '12.5', receivedQty: '2.5', openQty: '10', sourceTimestamp: t1, removedAt: null, receivedInWms: '0', openToReceive: '10', extra: { Custom: 'x' } },
      { lineNbr: 2, orderQty: '4', openQty: '4', receivedInWms: '0', openToReceive: '4' },
    ]);
    expect(po.lines[0].appliedAt).toBeInstanceOf(Date);
  });

  it('shows the newest state after an update: the ordered quantity cut on a line', async () => {
    const orderNbr = unique('PO');
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2)], timeStamp: t1 }));
    await bed.apply(
      'purchase-orders',
      poBody({ deleted: [poRow(orderNbr, 1)], inserted: [poRow(orderNbr, 1, { OrderQty: 6, OpenQty: 6 })], timeStamp: t2 }),
    );
    const po = found(await (await receiving()).purchaseOrder({ orderType: 'Normal', orderNbr }));
    expect(po.lines).toMatchObject([
      { lineNbr: 1, orderQty: '6', openQty: '6', openToReceive: '6', sourceTimestamp: t2 },
      { lineNbr: 2, orderQty: '10', openToReceive: '10', sourceTimestamp: t1 },
    ]);
  });

  it('returns a removed PO with removedAt set (a lone Deleted whose window ended), nothing open to receive', async () => {
    const orderNbr = unique('PO');
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2 }));
    expect(found(await (await receiving()).purchaseOrder({ orderType: 'Normal', orderNbr })).removedAt).toBeNull();

    await bed.endWindows();
    const po = found(await (await receiving()).purchaseOrder({ orderType: 'Normal', orderNbr }));
    expect(po).toMatchObject({ orderNbr, removedAt: timeStampToDate(t2), sourceTimestamp: t2 });
    expect(po.lines).toMatchObject([{ lineNbr: 1, removedAt: timeStampToDate(t2), openQty: '10', openToReceive: '0' }]);
  });

  it('lists expected POs a page at a time, per warehouse, with only the lines still open to receive', async () => {
    const [dock, other] = [unique('WH'), unique('WH')];
    const nbr = unique('PO');
    const t1 = nextTimeStamp();
    const inDock = { Warehouse: dock };
    await bed.apply(
      'purchase-orders',
      poBody({
        inserted: [
          poRow(`${nbr}-1`, 1, inDock),
          poRow(`${nbr}-1`, 2, { ...inDock, OpenQty: 3 }),
          // Line 1 fully received in the ERP: only line 2 is expected.
          poRow(`${nbr}-2`, 1, { ...inDock, ReceivedQty: 10, OpenQty: 0, LineCompleted: true }),
          poRow(`${nbr}-2`, 2, { ...inDock, OpenQty: 5 }),
          poRow(`${nbr}-3`, 1, { ...inDock, Status: 'On Hold' }),
          poRow(`${nbr}-4`, 1, { ...inDock, OpenQty: 2 }),
          poRow(`${nbr}-5`, 1, { ...inDock, LineCanceled: true }),
          poRow(`${nbr}-6`, 1, inDock),
          poRow(`${nbr}-7`, 1, { Warehouse: other }),
        ],
        timeStamp: t1,
      }),
    );
    // Removed from the ERP: no longer expected.
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(`${nbr}-6`, 1, inDock)], timeStamp: nextTimeStamp() }));
    await bed.endWindows();
    // Received in full by the dock already: no longer expected either.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await (await api.as('handheld')).receiving.receive({ orderType: 'Normal', orderNbr: `${nbr}-4`, lineNbr: 1, qty: 2 });

    const walk = async (warehouse: string) => {
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await (await receiving()).expected({ warehouse, cursor, limit: 1 });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return pages;
    };
    const pages = await walk(dock);
    expect(pages.map((items) => items.map((po) => po.orderNbr))).toEqual([[`${nbr}-1`], [`${nbr}-2`]]);
    expect(pages[0][0].lines.map((line) => [line.lineNbr, line.openToReceive])).toEqual([
      [1, '10'],
      [2, '3'],
    ]);
    expect(pages[1][0].lines.map((line) => [line.lineNbr, line.openToReceive])).toEqual([[2, '5']]);
    expect(pages[1][0]).toMatchObject({ warehouse: dock, status: 'Open', sourceTimestamp: t1 });
    expect((await walk(other)).flat().map((po) => po.orderNbr)).toEqual([`${nbr}-7`]);

    // Without a warehouse: every warehouse's, still one at a time and in key order.
    const all = await (await receiving()).expected({ limit: 200 });
    expect(all.items.map((po) => po.orderNbr).filter((orderNbr) => orderNbr.startsWith(nbr))).toEqual([`${nbr}-1`, `${nbr}-2`, `${nbr}-7`]);
  });

  it('refuses inputs out of bounds with BAD_REQUEST', async () => {
    const calls = await receiving();
    const tooLong = 'X'.repeat(51);
    for (const call of [
      calls.purchaseOrder({ orderType: 'Normal', orderNbr: tooLong }),
      calls.purchaseOrder({ orderType: '   ', orderNbr: 'PO1' }),
      calls.expected({ warehouse: tooLong }),
      calls.expected({ limit: 0 }),
      calls.expected({ limit: 201 }),
      calls.expected({ cursor: 'C'.repeat(501) }),
      calls.expected({ cursor: 'not-a-cursor' }),
    ]) {
      expect((await rejection(call)).code).toBe('BAD_REQUEST');
    }
  });
});
