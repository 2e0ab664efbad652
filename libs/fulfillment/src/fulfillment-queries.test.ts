import { TRPCError } from '@trpc/server';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { timeStampToDate } from '@wmsi/contracts';
import { assemblyOrderBody, nextTimeStamp, notificationBody, salesOrderBody } from '@wmsi/contracts/testing';
import { router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfillmentRouter, fulfillmentTables } from './index.js';

type Fields = Record<string, unknown>;
const appRouter = router({ fulfillment: fulfillmentRouter });
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** One row of "WMS Sales Orders": an SO line with its header repeated. */
function soRow(orderNbr: string, lineNbr: number, fields: Fields = {}): Fields {
  return { OrderType: 'SO', OrderNbr: orderNbr, Status: 'Open', CustomerID: 'C000042', Warehouse: 'MAIN', LineNbr: lineNbr, InventoryID: 'AALEGO500', OrderQty: 10, ShippedQty: 0, OpenQty: 10, ...fields };
}

/** One row of "WMS Shipments": a shipment line with its header repeated. */
function shipmentRow(shipmentNbr: string, lineNbr: number, fields: Fields = {}): Fields {
  return {
    ShipmentNbr: shipmentNbr,
    Type: 'Shipment',
    Status: 'Open',
    CustomerID: 'C000042',
    Warehouse: 'MAIN',
    ShipVia: 'UPSGROUND',
    ShipmentDate: '2024-05-07T00:00:00',
    LineNbr: lineNbr,
    OrderType: 'SO',
    OrderNbr: 'SO000417',
    InventoryID: 'AALEGO500',
    UOM: 'EA',
    ShippedQty: 10,
    Location: `R${lineNbr}S1`,
    ...fields,
  };
}

const body = (query: string) => (options: { inserted?: Fields[]; deleted?: Fields[]; timeStamp: string }) => notificationBody({ query, ...options });
const soBody = body('WMS Sales Orders');
const shipmentsBody = body('WMS Shipments');

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

describe('fulfillment queries: salesOrder, shipment, assemblyOrder, pickList', () => {
  let bed: ChangesTestbed;
  let api: ReturnType<typeof createRouterTestbed<typeof appRouter>>;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'fulfillment', tables: fulfillmentTables });
    api = createRouterTestbed(bed, appRouter);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  const fulfillment = async () => (await api.as('desktop')).fulfillment;

  it('returns null for documents that were never received', async () => {
    const calls = await fulfillment();
    expect(await calls.salesOrder({ orderType: 'SO', orderNbr: 'SO-NEVER' })).toBeNull();
    expect(await calls.shipment({ shipmentNbr: 'SH-NEVER' })).toBeNull();
    expect(await calls.assemblyOrder({ type: 'Assembly', referenceNbr: 'AS-NEVER' })).toBeNull();
  });

  it('returns a received sales order with its lines in line order, padded keys trimmed', async () => {
    const orderNbr = unique('SO');
    const timeStamp = nextTimeStamp();
    await bed.apply('sales-orders', salesOrderBody({ orderNbr, lines: 3, trailingSpaces: true, timeStamp }));
    const so = found(await (await fulfillment()).salesOrder({ orderType: 'SO ', orderNbr: ` ${orderNbr}` }));
    expect(so).toMatchObject({ orderType: 'SO', orderNbr, customerId: 'C000042', warehouse: 'MAIN', sourceTimestamp: timeStamp, removedAt: null });
    expect(so.appliedAt).toBeInstanceOf(Date);
    expect(so.lines.map((line) => [line.lineNbr, line.inventoryId, line.shippedQty, line.sourceTimestamp])).toEqual([
      [1, 'AALEGO500', '1', timeStamp],
      [2, 'AACOMPUT01', '1', timeStamp],
      [3, 'CONAIRT1', '1', timeStamp],
    ]);
  });

  it('shows a sales order line cut by an update, and a removed line with removedAt while the order stays', async () => {
    const orderNbr = unique('SO');
    const [t1, t2, t3] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
    await bed.apply('sales-orders', soBody({ inserted: [soRow(orderNbr, 1), soRow(orderNbr, 2)], timeStamp: t1 }));
    await bed.apply('sales-orders', soBody({ deleted: [soRow(orderNbr, 1)], inserted: [soRow(orderNbr, 1, { OrderQty: 6, OpenQty: 6 })], timeStamp: t2 }));
    await bed.apply('sales-orders', soBody({ deleted: [soRow(orderNbr, 2)], timeStamp: t3 }));
    await bed.endWindows();
    const so = found(await (await fulfillment()).salesOrder({ orderType: 'SO', orderNbr }));
    expect(so).toMatchObject({ removedAt: null });
    expect(so.lines).toMatchObject([
      { lineNbr: 1, orderQty: '6', openQty: '6', sourceTimestamp: t2, removedAt: null },
      { lineNbr: 2, orderQty: '10', sourceTimestamp: t3, removedAt: timeStampToDate(t3) },
    ]);
  });

  it('returns a shipment with what is picked and left to pick per line, after an insert and an update', async () => {
    const shipmentNbr = unique('SH');
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('shipments', shipmentsBody({ inserted: [shipmentRow(shipmentNbr, 2, { ShippedQty: 4 }), shipmentRow(shipmentNbr, 1)], timeStamp: t1 }));
    await (await api.as('handheld')).fulfillment.pick({ shipmentNbr, lineNbr: 1, qty: 3 });
    expect(found(await (await fulfillment()).shipment({ shipmentNbr })).lines).toMatchObject([
      { lineNbr: 1, shippedQty: '10', pickedQty: '3', openToPick: '7', sourceTimestamp: t1 },
      { lineNbr: 2, shippedQty: '4', pickedQty: '0', openToPick: '4' },
    ]);

    // The ERP cut line 1 to 5: the 3 picked still count against it.
    await bed.apply('shipments', shipmentsBody({ deleted: [shipmentRow(shipmentNbr, 1)], inserted: [shipmentRow(shipmentNbr, 1, { ShippedQty: 5 })], timeStamp: t2 }));
    const shipment = found(await (await fulfillment()).shipment({ shipmentNbr }));
    expect(shipment).toMatchObject({ shipmentNbr, type: 'Shipment', status: 'Open', warehouse: 'MAIN', shipVia: 'UPSGROUND', removedAt: null, sourceTimestamp: t2 });
    expect(shipment.lines[0]).toMatchObject({ shippedQty: '5', pickedQty: '3', openToPick: '2', sourceTimestamp: t2 });
  });

  it('returns a removed shipment with removedAt set and nothing left to pick', async () => {
    const shipmentNbr = unique('SH');
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('shipments', shipmentsBody({ inserted: [shipmentRow(shipmentNbr, 1)], timeStamp: t1 }));
    await bed.apply('shipments', shipmentsBody({ deleted: [shipmentRow(shipmentNbr, 1)], timeStamp: t2 }));
    await bed.endWindows();
    const shipment = found(await (await fulfillment()).shipment({ shipmentNbr }));
    expect(shipment).toMatchObject({ removedAt: timeStampToDate(t2), sourceTimestamp: t2 });
    expect(shipment.lines).toMatchObject([{ lineNbr: 1, removedAt: timeStampToDate(t2), shippedQty: '10', openToPick: '0' }]);
  });

  it('returns an assembly order with its components, a removed component with removedAt', async () => {
    const referenceNbr = unique('AS');
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('assembly-orders', assemblyOrderBody({ referenceNbr, lines: 3, timeStamp: t1 }));
    const third = JSON.parse(assemblyOrderBody({ referenceNbr, lines: 3, timeStamp: t1 })).Inserted[2] as Fields;
    await bed.apply('assembly-orders', notificationBody({ query: 'WMS Assembly Orders', deleted: [third], timeStamp: t2 }));
    await bed.endWindows();
    const order = found(await (await fulfillment()).assemblyOrder({ type: 'Assembly', referenceNbr }));
    expect(order).toMatchObject({ type: 'Assembly', referenceNbr, kitInventoryId: 'KITGIFT01', qty: '10', status: 'Released', sourceTimestamp: t1, removedAt: null });
    expect(order.components.map((component) => [component.lineNbr, component.componentId, component.removedAt])).toEqual([
      [1, 'AALEGO500', null],
      [2, 'AACOMPUT01', null],
      [3, 'CONAIRT1', timeStampToDate(t2)],
    ]);
  });

  it('lists lines still to pick a page at a time, per warehouse, skipping shipments not Open and lines picked in full', async () => {
    const [floor, other] = [unique('WH'), unique('WH')];
    const nbr = unique('SH');
    const onFloor = { Warehouse: floor };
    await bed.apply(
      'shipments',
      shipmentsBody({
        inserted: [
          shipmentRow(`${nbr}-1`, 1, onFloor),
          shipmentRow(`${nbr}-1`, 2, { ...onFloor, ShippedQty: 2 }),
          shipmentRow(`${nbr}-1`, 3, onFloor),
          shipmentRow(`${nbr}-2`, 1, { ...onFloor, Status: 'Confirmed' }),
          shipmentRow(`${nbr}-3`, 1, { ...onFloor, ShippedQty: 3.5 }),
          shipmentRow(`${nbr}-4`, 1, { Warehouse: other }),
        ],
        timeStamp: nextTimeStamp(),
      }),
    );
    // Line 3 of the first shipment leaves the inquiry; line 2 is picked in full.
    await bed.apply('shipments', shipmentsBody({ deleted: [shipmentRow(`${nbr}-1`, 3, onFloor)], timeStamp: nextTimeStamp() }));
    await bed.endWindows();
    await (await api.as('handheld')).fulfillment.pick({ shipmentNbr: `${nbr}-1`, lineNbr: 2, qty: 2 });

    const walk = async (warehouse: string) => {
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await (await fulfillment()).pickList({ warehouse, cursor, limit: 1 });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return pages;
    };
    const pages = await walk(floor);
    expect(pages.map((items) => items.map((line) => [line.shipmentNbr, line.lineNbr, line.openToPick]))).toEqual([
      [[`${nbr}-1`, 1, '10']],
      [[`${nbr}-3`, 1, '3.5']],
    ]);
    expect(pages[0][0]).toMatchObject({ warehouse: floor, customerId: 'C000042', shipVia: 'UPSGROUND', location: 'R1S1', pickedQty: '0', inventoryId: 'AALEGO500' });
    expect((await walk(other)).flat().map((line) => line.shipmentNbr)).toEqual([`${nbr}-4`]);

    const all = await (await fulfillment()).pickList({ limit: 200 });
    expect(all.items.map((line) => line.shipmentNbr).filter((shipmentNbr) => shipmentNbr.startsWith(nbr))).toEqual([`${nbr}-1`, `${nbr}-3`, `${nbr}-4`]);
  });

  it('refuses inputs out of bounds with BAD_REQUEST', async () => {
    const calls = await fulfillment();
    const tooLong = 'X'.repeat(51);
    for (const call of [
      calls.salesOrder({ orderType: 'SO', orderNbr: tooLong }),
      calls.shipment({ shipmentNbr: '  ' }),
      calls.assemblyOrder({ type: tooLong, referenceNbr: 'AS1' }),
      calls.pickList({ warehouse: tooLong }),
      calls.pickList({ limit: 0 }),
      calls.pickList({ limit: 201 }),
      calls.pickList({ cursor: 'C'.repeat(501) }),
      calls.pickList({ cursor: 'not-a-cursor' }),
    ]) {
      expect((await rejection(call)).code).toBe('BAD_REQUEST');
    }
  });
});
