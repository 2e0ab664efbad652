import { TRPCError } from '@trpc/server';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { dateToTimeStamp } from '@wmsi/contracts';
import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { AppError, router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfillmentRouter, fulfillmentTables } from './index.js';

type Fields = Record<string, unknown>;
const appRouter = router({ fulfillment: fulfillmentRouter });

function shipmentRow(shipmentNbr: string, lineNbr: number, fields: Fields = {}): Fields {
  return { ShipmentNbr: shipmentNbr, Type: 'Shipment', Status: 'Open', Warehouse: 'MAIN', LineNbr: lineNbr, InventoryID: 'AALEGO500', ShippedQty: 10, ...fields };
}

const shipmentsBody = (options: { inserted?: Fields[]; deleted?: Fields[]; timeStamp: string }) => notificationBody({ query: 'WMS Shipments', ...options });

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

const appCode = (error: TRPCError) => (error.cause instanceof AppError ? error.cause.code : undefined);

describe('fulfillment.pick', () => {
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

  /** A fresh shipment in the ERP state given, applied as the worker would; returns its number. */
  async function erpShipment(lines: Fields[], shipmentNbr = `SH-${randomUUID().slice(0, 8)}`) {
    await bed.apply('shipments', shipmentsBody({ inserted: lines.map((fields, i) => shipmentRow(shipmentNbr, i + 1, fields)), timeStamp: nextTimeStamp() }));
    return shipmentNbr;
  }
  const pickedOn = async (shipmentNbr: string) =>
    (await bed.db.selectFrom('picks').select((eb) => eb.fn.sum<string>('qty').as('total')).where('shipment_nbr', '=', shipmentNbr).executeTakeFirstOrThrow()).total;
  const picker = async () => (await api.as('handheld')).fulfillment;

  it('records a pick for the caller and returns what is left to pick', async () => {
    const shipmentNbr = await erpShipment([{ ShippedQty: 6 }]);
    const result = await (await picker()).pick({ shipmentNbr: `${shipmentNbr} `, lineNbr: 1, qty: 1.5 });
    const handheld = await bed.db.selectFrom('api_tokens').select('id').where('role', '=', 'handheld').executeTakeFirstOrThrow();
    expect(result).toMatchObject({ pick: { shipmentNbr, lineNbr: 1, qty: '1.5', tokenId: handheld.id }, openToPick: '4.5' });
    expect(result.pick.recordedAt).toBeInstanceOf(Date);
    expect(found(await (await picker()).shipment({ shipmentNbr })).lines[0]).toMatchObject({ pickedQty: '1.5', openToPick: '4.5' });
  });

  it('lets 20 pickers at once pick exactly what is on a line, and refuses the rest', async () => {
    const shipmentNbr = await erpShipment([{ ShippedQty: 10 }]);
    const [handheld, admin] = [await api.as('handheld'), await api.as('admin')];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? handheld : admin).fulfillment.pick({ shipmentNbr, lineNbr: 1, qty: 1 })),
    );
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as TRPCError] : []));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    expect(refused).toHaveLength(10);
    for (const error of refused) {
      expect(error).toBeInstanceOf(TRPCError);
      expect(error.code).toBe('UNPROCESSABLE_CONTENT');
      expect(appCode(error)).toBe('MORE_THAN_OPEN');
      expect((error.cause as AppError).details).toEqual({ openQty: '0' });
    }
    expect(await pickedOn(shipmentNbr)).toBe('10');
  });

  it('refuses more than is left with the open quantity in the details', async () => {
    const shipmentNbr = await erpShipment([{ ShippedQty: 3 }]);
    await (await picker()).pick({ shipmentNbr, lineNbr: 1, qty: 2 });
    const error = await rejection((await picker()).pick({ shipmentNbr, lineNbr: 1, qty: 1.25 }));
    expect([error.code, appCode(error), (error.cause as AppError).details]).toEqual(['UNPROCESSABLE_CONTENT', 'MORE_THAN_OPEN', { openQty: '1' }]);
    expect(await pickedOn(shipmentNbr)).toBe('2');
  });

  it('refuses an unknown line with NOT_FOUND', async () => {
    const shipmentNbr = await erpShipment([{}]);
    for (const key of [
      { shipmentNbr, lineNbr: 2 },
      { shipmentNbr: 'SH-NEVER', lineNbr: 1 },
    ]) {
      const error = await rejection((await picker()).pick({ ...key, qty: 1 }));
      expect([error.code, appCode(error)]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    }
  });

  it('refuses lines of shipments not Open and removed ones with NOT_OPEN', async () => {
    const confirmed = await erpShipment([{ Status: 'Confirmed' }]);
    const removed = await erpShipment([{}]);
    const partly = await erpShipment([{}, {}]);
    await bed.apply('shipments', shipmentsBody({ deleted: [shipmentRow(removed, 1), shipmentRow(partly, 2)], timeStamp: nextTimeStamp() }));
    await bed.endWindows();
    for (const key of [
      { shipmentNbr: confirmed, lineNbr: 1 },
      { shipmentNbr: removed, lineNbr: 1 },
      { shipmentNbr: partly, lineNbr: 2 },
    ]) {
      const error = await rejection((await picker()).pick({ ...key, qty: 1 }));
      expect([error.code, appCode(error)]).toEqual(['UNPROCESSABLE_CONTENT', 'NOT_OPEN']);
    }
    expect(await (await picker()).pick({ shipmentNbr: partly, lineNbr: 1, qty: 1 })).toMatchObject({ openToPick: '9' });
  });

  it('takes picks from handheld and admin tokens only', async () => {
    const shipmentNbr = await erpShipment([{}]);
    const input = { shipmentNbr, lineNbr: 1, qty: 1 };
    expect((await rejection((await api.as('desktop')).fulfillment.pick(input))).code).toBe('FORBIDDEN');
    expect((await rejection(api.anonymous().fulfillment.pick(input))).code).toBe('UNAUTHORIZED');
    expect(await pickedOn(shipmentNbr)).toBeNull();
  });

  it('refuses quantities and keys out of bounds with BAD_REQUEST', async () => {
    const calls = await picker();
    const line = { shipmentNbr: 'SH1', lineNbr: 1 };
    for (const input of [
      { ...line, qty: 0 },
      { ...line, qty: -2 },
      { ...line, qty: 1_000_001 },
      { ...line, qty: Number.POSITIVE_INFINITY },
      { ...line, lineNbr: 0, qty: 1 },
      { ...line, lineNbr: 2 ** 31, qty: 1 },
      { ...line, shipmentNbr: 'X'.repeat(51), qty: 1 },
    ]) {
      expect((await rejection(calls.pick(input))).code).toBe('BAD_REQUEST');
    }
  });

  it('keeps picks counted through an unrelated ERP edit whatever the ERP clock (12 h ahead, 12 h behind)', async () => {
    for (const offsetMs of [12 * 60 * 60 * 1000, -12 * 60 * 60 * 1000]) {
      const shipmentNbr = `SH-${randomUUID().slice(0, 8)}`;
      const erpTime = () => dateToTimeStamp(new Date(Date.now() + offsetMs));
      await bed.apply('shipments', shipmentsBody({ inserted: [shipmentRow(shipmentNbr, 1)], timeStamp: erpTime() }));
      const calls = await picker();
      for (let i = 0; i < 10; i++) await calls.pick({ shipmentNbr, lineNbr: 1, qty: 1 });
      await new Promise((resolve) => setTimeout(resolve, 2));
      const edited = shipmentRow(shipmentNbr, 1, { ShipVia: 'FEDEX' });
      await bed.apply('shipments', shipmentsBody({ deleted: [shipmentRow(shipmentNbr, 1)], inserted: [edited], timeStamp: erpTime() }));
      expect(found(await calls.shipment({ shipmentNbr })).lines[0]).toMatchObject({ pickedQty: '10', openToPick: '0' });
      expect(appCode(await rejection(calls.pick({ shipmentNbr, lineNbr: 1, qty: 1 })))).toBe('MORE_THAN_OPEN');
    }
  });

  it('books a pick retried with the same operation id once, and refuses the id for another pick', async () => {
    const shipmentNbr = await erpShipment([{ ShippedQty: 10 }, { ShippedQty: 10 }]);
    const calls = await picker();
    const tap = { shipmentNbr, lineNbr: 1, qty: 2, operationId: randomUUID() };
    const results = [...(await Promise.all([calls.pick(tap), calls.pick(tap)])), await calls.pick(tap)];
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(results.map((result) => result.openToPick)).toEqual(['8', '8', '8']);
    expect(await pickedOn(shipmentNbr)).toBe('2');
    const error = await rejection(calls.pick({ ...tap, lineNbr: 2 }));
    expect([error.code, appCode(error)]).toEqual(['CONFLICT', 'OPERATION_ID_REUSED']);
  });
});
