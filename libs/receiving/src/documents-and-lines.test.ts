import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivingRouter } from './index.js';

type Fields = Record<string, unknown>;

const poRow = (orderNbr: string, lineNbr: number, fields: Fields = {}): Fields => ({
  OrderType: 'Normal',
  OrderNbr: orderNbr,
  Status: 'Open',
  VendorName: 'Acme',
  Warehouse: 'MAIN',
  LineNbr: lineNbr,
  InventoryID: `ITEM${lineNbr}`,
  OrderQty: 10,
  ReceivedQty: 0,
  OpenQty: 10,
  ...fields,
});
const poBody = (options: { inserted?: Fields[]; deleted?: Fields[]; timeStamp: string }) => notificationBody({ query: 'WMS Purchase Orders', ...options });

/** Every order of a list's items. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('documents and lines agree (ARCHITECTURE rule 11), whatever order their changes arrive in', () => {
  let bed: ChangesTestbed;
  const appRouter = router({ receiving: receivingRouter });
  let api: ReturnType<typeof createRouterTestbed<typeof appRouter>>;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving' });
    api = createRouterTestbed(bed, appRouter);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  const document = (orderNbr: string) =>
    bed.db.selectFrom('purchase_orders').selectAll().where('order_nbr', '=', orderNbr).executeTakeFirstOrThrow();
  const lineOf = (orderNbr: string, lineNbr: number) =>
    bed.db.selectFrom('purchase_order_lines').selectAll().where('order_nbr', '=', orderNbr).where('line_nbr', '=', lineNbr).executeTakeFirstOrThrow();

  // A PO with line 1; then, in the ERP: line 2 added (t1), line 1 removed (t2), the header changed (t3).
  const transactions = ['line 2 added', 'line 1 removed', 'header changed'] as const;
  for (const windowEnds of ['at once', 'at the end'] as const) {
    for (const order of permutations(transactions)) {
      it(`ends in the ERP's state when they arrive as ${order.join(', then ')} (the removal's window ending ${windowEnds})`, async () => {
        const orderNbr = `DL-${randomUUID().slice(0, 8)}`;
        await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: nextTimeStamp() }));
        const [t1, t2, t3] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
        const bodies = {
          'line 2 added': poBody({ inserted: [poRow(orderNbr, 2)], timeStamp: t1 }),
          'line 1 removed': poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2 }),
          'header changed': poBody({ deleted: [poRow(orderNbr, 2)], inserted: [poRow(orderNbr, 2, { VendorName: 'Acme Renamed' })], timeStamp: t3 }),
        };
        for (const transaction of order) {
          await bed.apply('purchase-orders', bodies[transaction]);
          if (windowEnds === 'at once') await bed.endWindows();
        }
        await bed.endWindows();

        expect(await document(orderNbr)).toMatchObject({ removed_at: null, vendor_name: 'Acme Renamed', source_timestamp: t3 });
        expect(await lineOf(orderNbr, 1)).toMatchObject({ source_timestamp: t2 });
        expect((await lineOf(orderNbr, 1)).removed_at).not.toBeNull();
        expect(await lineOf(orderNbr, 2)).toMatchObject({ removed_at: null, source_timestamp: t3 });
      });
    }
  }

  it('brings back a document removed with its last line when a line the ERP still has arrives late, and takes receipts on it', async () => {
    const orderNbr = `DL-${randomUUID().slice(0, 8)}`;
    const [t1, t2, t3] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    // Line 1 deleted at t3: a real removal, and the order went with its only line...
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t3 }));
    await bed.endWindows();
    expect((await document(orderNbr)).removed_at).not.toBeNull();
    // ...but line 2, added at t2, arrives late: the ERP still has it, so the order is live again.
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 2)], timeStamp: t2 }));
    expect(await document(orderNbr)).toMatchObject({ removed_at: null });
    expect(await lineOf(orderNbr, 2)).toMatchObject({ removed_at: null, source_timestamp: t2 });
    const handheld = await api.as('handheld');
    expect(await handheld.receiving.receive({ orderType: 'Normal', orderNbr, lineNbr: 2, qty: 1 })).toMatchObject({ openToReceive: '9' });

    // The events say so: the order went, and came back, each as an event of its own.
    const events = (await bed.changeLog()).filter((change) => (change.document_key as Fields).orderNbr === orderNbr);
    expect(events.map((change) => `${change.kind}:${change.level}`)).toEqual([
      'insert:line',
      'removal:line',
      'removal:document',
      'insert:line',
      'insert:document',
    ]);
  });

  it('keeps a live line\'s document live when an older removal of another line finishes last', async () => {
    const orderNbr = `DL-${randomUUID().slice(0, 8)}`;
    const [t1, t2, t3] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2)], timeStamp: t1 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 2)], inserted: [poRow(orderNbr, 2, { OpenQty: 4 })], timeStamp: t3 }));
    await bed.endWindows();
    expect(await document(orderNbr)).toMatchObject({ removed_at: null });
    expect(await lineOf(orderNbr, 2)).toMatchObject({ removed_at: null, open_qty: '4' });
  });
});
