import { TRPCError } from '@trpc/server';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { dateToTimeStamp } from '@wmsi/contracts';
import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { AppError, router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivingRouter, receivingTables } from './index.js';

type Fields = Record<string, unknown>;
const appRouter = router({ receiving: receivingRouter });

function poRow(orderNbr: string, lineNbr: number, fields: Fields = {}): Fields {
  return {
    OrderType: 'Normal',
    OrderNbr: orderNbr,
    Status: 'Open',
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
/** Receipts are compared with ERP times: let the clock move past the TimeStamp just stamped. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

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

describe('receiving.receive', () => {
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

  /** A fresh PO in the ERP state given, applied as the worker would; returns its number. */
  async function erpPo(lines: Fields[], timeStamp = nextTimeStamp(), orderNbr = `PO-${randomUUID().slice(0, 8)}`) {
    await bed.apply('purchase-orders', poBody({ inserted: lines.map((fields, i) => poRow(orderNbr, i + 1, fields)), timeStamp }));
    await tick();
    return orderNbr;
  }
  const receivedOn = async (orderNbr: string) =>
    (await bed.db.selectFrom('receipts').select((eb) => eb.fn.sum<string>('qty').as('total')).where('order_nbr', '=', orderNbr).executeTakeFirstOrThrow()).total;
  const scanner = async () => (await api.as('handheld')).receiving;

  it('records a receipt for the caller and returns what is left open', async () => {
    const orderNbr = await erpPo([{ OpenQty: 7 }]);
    const result = await (await scanner()).receive({ orderType: 'Normal', orderNbr: ` ${orderNbr} `, lineNbr: 1, qty: 2.5 });
    const handheld = await bed.db.selectFrom('api_tokens').select('id').where('role', '=', 'handheld').executeTakeFirstOrThrow();
    expect(result).toMatchObject({ receipt: { orderType: 'Normal', orderNbr, lineNbr: 1, qty: '2.5', tokenId: handheld.id }, openToReceive: '4.5' });
    expect(result.receipt.recordedAt).toBeInstanceOf(Date);
    const line = found(await (await scanner()).purchaseOrder({ orderType: 'Normal', orderNbr })).lines[0];
    expect(line).toMatchObject({ openQty: '7', receivedInWms: '2.5', openToReceive: '4.5' });
  });

  it('lets 20 scanners at once book exactly what is open on a line, and refuses the rest', async () => {
    const orderNbr = await erpPo([{ OpenQty: 10 }]);
    // Two kinds of token, so the calls come from different callers as well as at once.
    const [handheld, admin] = [await api.as('handheld'), await api.as('admin')];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? handheld : admin).receiving.receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1 })),
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
    expect(await receivedOn(orderNbr)).toBe('10');
    const left = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.openToReceive] : []));
    expect(left.sort((a, b) => Number(a) - Number(b))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('refuses more than is open with the open quantity in the details', async () => {
    const orderNbr = await erpPo([{ OpenQty: 3 }]);
    await (await scanner()).receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1 });
    const error = await rejection((await scanner()).receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 2.5 }));
    expect([error.code, appCode(error), (error.cause as AppError).details]).toEqual(['UNPROCESSABLE_CONTENT', 'MORE_THAN_OPEN', { openQty: '2' }]);
    expect(await receivedOn(orderNbr)).toBe('1');
  });

  it('stops counting receipts the ERP has taken in once a newer state of the line arrives', async () => {
    const orderNbr = await erpPo([{ OpenQty: 10 }]);
    await (await scanner()).receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 4 });
    expect(found(await (await scanner()).purchaseOrder({ orderType: 'Normal', orderNbr })).lines[0]).toMatchObject({ receivedInWms: '4', openToReceive: '6' });

    // The ERP now has the 4 received (entered from WMSi), and someone cut the order by 1 as well.
    await tick();
    await bed.apply(
      'purchase-orders',
      poBody({ deleted: [poRow(orderNbr, 1)], inserted: [poRow(orderNbr, 1, { OrderQty: 9, ReceivedQty: 4, OpenQty: 5 })], timeStamp: nextTimeStamp() }),
    );
    await tick();
    expect(found(await (await scanner()).purchaseOrder({ orderType: 'Normal', orderNbr })).lines[0]).toMatchObject({ openQty: '5', receivedInWms: '0', openToReceive: '5' });
    expect(await (await scanner()).receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 5 })).toMatchObject({ openToReceive: '0' });
    const error = await rejection((await scanner()).receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1 }));
    expect([appCode(error), (error.cause as AppError).details]).toEqual(['MORE_THAN_OPEN', { openQty: '0' }]);
  });

  it('refuses an unknown line with NOT_FOUND', async () => {
    const orderNbr = await erpPo([{}]);
    for (const key of [
      { orderNbr, lineNbr: 2 },
      { orderNbr: 'PO-NEVER', lineNbr: 1 },
    ]) {
      const error = await rejection((await scanner()).receive({ orderType: 'Normal', ...key, qty: 1 }));
      expect([error.code, appCode(error)]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    }
  });

  it('refuses lines that take no receipt with NOT_OPEN: completed, canceled, order not Open, removed', async () => {
    const orderNbr = await erpPo([{ LineCompleted: true }, { LineCanceled: true }, {}]);
    const onHold = await erpPo([{ Status: 'On Hold' }]);
    const removed = await erpPo([{}]);
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(removed, 1)], timeStamp: nextTimeStamp() }));
    await bed.endWindows();
    for (const key of [
      { orderNbr, lineNbr: 1 },
      { orderNbr, lineNbr: 2 },
      { orderNbr: onHold, lineNbr: 1 },
      { orderNbr: removed, lineNbr: 1 },
    ]) {
      const error = await rejection((await scanner()).receive({ orderType: 'Normal', ...key, qty: 1 }));
      expect([error.code, appCode(error)]).toEqual(['UNPROCESSABLE_CONTENT', 'NOT_OPEN']);
    }
    // The open line of the same order still takes receipts.
    expect(await (await scanner()).receive({ orderType: 'Normal', orderNbr, lineNbr: 3, qty: 1 })).toMatchObject({ openToReceive: '9' });
  });

  it('takes receipts from handheld and admin tokens only', async () => {
    const orderNbr = await erpPo([{}]);
    const input = { orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1 };
    expect((await rejection((await api.as('desktop')).receiving.receive(input))).code).toBe('FORBIDDEN');
    expect((await rejection(api.anonymous().receiving.receive(input))).code).toBe('UNAUTHORIZED');
    expect(await receivedOn(orderNbr)).toBeNull();
  });

  it('refuses quantities and keys out of bounds with BAD_REQUEST', async () => {
    const calls = await scanner();
    const line = { orderType: 'Normal', orderNbr: 'PO1', lineNbr: 1 };
    for (const input of [
      { ...line, qty: 0 },
      { ...line, qty: -1 },
      { ...line, qty: 1_000_001 },
      { ...line, qty: Number.NaN },
      { ...line, lineNbr: 0, qty: 1 },
      { ...line, lineNbr: 1.5, qty: 1 },
      { ...line, orderNbr: 'X'.repeat(51), qty: 1 },
      { ...line, orderNbr: '  ', qty: 1 },
    ]) {
      expect((await rejection(calls.receive(input))).code).toBe('BAD_REQUEST');
    }
  });

  describe('open quantities from quantities, never from clocks', () => {
    const HOUR_MS = 60 * 60 * 1000;
    /** A TimeStamp of the ERP's clock, `offsetMs` from ours (Acumatica's may be its server's local time). */
    let ticks = 0;
    const erpTime = (offsetMs: number) => dateToTimeStamp(new Date(Date.now() + offsetMs + ++ticks));

    for (const [clock, offsetMs] of [
      ['12 h ahead', 12 * HOUR_MS],
      ['12 h behind', -12 * HOUR_MS],
      ['on time', 0],
    ] as const) {
      describe(`with the ERP's clock ${clock}`, () => {
        it('keeps 10 receipts of a line with 10 open counted through an unrelated ERP edit, until the ERP books them', async () => {
          const orderNbr = await erpPo([{ OpenQty: 10 }], erpTime(offsetMs));
          const calls = await scanner();
          for (let i = 0; i < 10; i++) await calls.receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1 });
          const lineNow = async () => found(await calls.purchaseOrder({ orderType: 'Normal', orderNbr })).lines[0];
          expect(await lineNow()).toMatchObject({ openToReceive: '0', receivedInWms: '10' });

          // An unrelated edit: the promised date moved; the ERP does not know of the receipts yet.
          const edited = poRow(orderNbr, 1, { PromisedOn: '2030-01-01T00:00:00' });
          await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], inserted: [edited], timeStamp: erpTime(offsetMs) }));
          expect(await lineNow()).toMatchObject({ openQty: '10', openToReceive: '0', receivedInWms: '10' });
          expect(await rejection(calls.receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1 }))).toMatchObject({ code: 'UNPROCESSABLE_CONTENT' });

          // The ERP books 6 of them: 4 still count.
          const booked6 = poRow(orderNbr, 1, { PromisedOn: '2030-01-01T00:00:00', ReceivedQty: 6, OpenQty: 4 });
          await bed.apply('purchase-orders', poBody({ deleted: [edited], inserted: [booked6], timeStamp: erpTime(offsetMs) }));
          expect(await lineNow()).toMatchObject({ openQty: '4', receivedInWms: '4', openToReceive: '0' });

          // Then all 10, and 5 more are ordered: 5 open, whatever the clocks say.
          const booked = poRow(orderNbr, 1, { PromisedOn: '2030-01-01T00:00:00', OrderQty: 15, ReceivedQty: 10, OpenQty: 5 });
          await bed.apply('purchase-orders', poBody({ deleted: [booked6], inserted: [booked], timeStamp: erpTime(offsetMs) }));
          expect(await lineNow()).toMatchObject({ openQty: '5', receivedInWms: '0', openToReceive: '5' });
          expect(await calls.receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 5 })).toMatchObject({ openToReceive: '0' });
        });

        it('lets 20 scanners at once receive 1 each on a line with 10 open: exactly 10 succeed', async () => {
          const orderNbr = await erpPo([{ OpenQty: 10 }], erpTime(offsetMs));
          const [handheld, admin] = [await api.as('handheld'), await api.as('admin')];
          const results = await Promise.allSettled(
            Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? handheld : admin).receiving.receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1 })),
          );
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
          expect(await receivedOn(orderNbr)).toBe('10');
        });
      });
    }

    it('counts a receipt against an ordered quantity raised before the ERP booked it', async () => {
      const orderNbr = await erpPo([{ OpenQty: 10 }]);
      const calls = await scanner();
      await calls.receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 3 });
      await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], inserted: [poRow(orderNbr, 1, { OrderQty: 12, OpenQty: 12 })], timeStamp: nextTimeStamp() }));
      expect(found(await calls.purchaseOrder({ orderType: 'Normal', orderNbr })).lines[0]).toMatchObject({ openQty: '12', receivedInWms: '3', openToReceive: '9' });
    });
  });

  describe('client operation ids', () => {
    it('books a tap retried 6 times, 3 of them at once, once, and returns the first result every time', async () => {
      const orderNbr = await erpPo([{ OpenQty: 10 }]);
      const calls = await scanner();
      const tap = { orderType: 'Normal', orderNbr, lineNbr: 1, qty: 2, operationId: randomUUID() };
      const concurrent = await Promise.all([calls.receive(tap), calls.receive(tap), calls.receive(tap)]);
      const later = [await calls.receive(tap), await calls.receive(tap), await calls.receive(tap)];
      const all = [...concurrent, ...later];
      expect(all.filter((result) => !result.replayed)).toHaveLength(1);
      expect(new Set(all.map((result) => result.receipt.id)).size).toBe(1);
      expect(all.map((result) => result.openToReceive)).toEqual(Array(6).fill('8'));
      expect(await receivedOn(orderNbr)).toBe('2');
      // A new tap books again.
      expect(await calls.receive({ ...tap, operationId: randomUUID() })).toMatchObject({ openToReceive: '6', replayed: false });
    });

    it('refuses an operation id reused for another receipt with OPERATION_ID_REUSED', async () => {
      const orderNbr = await erpPo([{ OpenQty: 10 }, { OpenQty: 10 }]);
      const calls = await scanner();
      const operationId = randomUUID();
      await calls.receive({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 1, operationId });
      for (const other of [{ lineNbr: 2, qty: 1 }, { lineNbr: 1, qty: 3 }]) {
        const error = await rejection(calls.receive({ orderType: 'Normal', orderNbr, operationId, ...other }));
        expect([error.code, appCode(error)]).toEqual(['CONFLICT', 'OPERATION_ID_REUSED']);
      }
      expect(await receivedOn(orderNbr)).toBe('1');
    });
  });
});
