import { topicTables } from '@wmsi/db';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { nextTimeStamp, purchaseOrderBody, stockItemBody } from '@wmsi/contracts/testing';
import { router } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentsRouter } from './router.js';

// The testbed's handler applies purchase orders and stock items, as their workers would.
const tables = [
  topicTables('purchase-orders', { document: 'purchase_orders', lines: 'purchase_order_lines' }),
  topicTables('stock-items', { document: 'stock_items' }),
];

describe('documents: search by number across kinds, history and change log of one document', () => {
  let bed: ChangesTestbed;
  let api: ReturnType<typeof createRouterTestbed<ReturnType<typeof appRouter>>>;
  const appRouter = () => router({ documents: documentsRouter });
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables });
    api = createRouterTestbed(bed, appRouter());
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  it('finds purchase orders and items by the start of their number, in number order, a page at a time', async () => {
    await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'SRCH0001', lines: 1 }));
    await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'SRCH0002', lines: 1 }));
    await bed.apply('stock-items', stockItemBody({ inventoryId: 'SRCHITEM' }));
    await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'OTHER0001', lines: 1 }));
    const desktop = await api.as('desktop');

    const all = await desktop.documents.search({ query: 'srch' });
    expect(all.items.map((d) => [d.topic, d.number])).toEqual([
      ['purchase-orders', 'SRCH0001'],
      ['purchase-orders', 'SRCH0002'],
      ['stock-items', 'SRCHITEM'],
    ].sort((a, b) => (a[1] < b[1] ? -1 : 1)));
    expect(all.items.find((d) => d.number === 'SRCH0001')).toMatchObject({ documentKey: { orderType: 'Normal', orderNbr: 'SRCH0001' }, status: 'Open', warehouse: 'MAIN' });

    const first = await desktop.documents.search({ query: 'SRCH', limit: 2 });
    const second = await desktop.documents.search({ query: 'SRCH', limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((d) => d.number)).toEqual(all.items.map((d) => d.number));
    expect(second.nextCursor).toBeNull();
    // LIKE's wildcards are matched as themselves.
    expect((await desktop.documents.search({ query: 'SRCH_' })).items).toEqual([]);
    const refused = await desktop.documents.search({ query: 'SRCH', cursor: 'bm90IGEgY3Vyc29y' }).catch((error: unknown) => error);
    expect(refused instanceof TRPCError && refused.code).toBe('BAD_REQUEST');
  });

  it('gives the change log of one document, its lines included, newest first and paged', async () => {
    const desktop = await api.as('desktop');
    await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'HIST0001', lines: 2 }));
    await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'HIST0002', lines: 1 }));
    await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'HIST0001', lines: 2, deletedLines: 2 }));
    const key = { orderNbr: 'HIST0001', orderType: 'Normal' };
    const log = await desktop.documents.changeLog({ topic: 'purchase-orders', documentKey: key });
    expect(log.items.map((c) => c.kind)).toEqual(['update', 'update', 'insert', 'insert']);
    expect(log.items[0].rowKey).toMatchObject({ orderNbr: 'HIST0001' });
    const page = await desktop.documents.changeLog({ topic: 'purchase-orders', documentKey: key, limit: 3 });
    const rest = await desktop.documents.changeLog({ topic: 'purchase-orders', documentKey: key, limit: 3, cursor: page.nextCursor! });
    expect([...page.items, ...rest.items].map((c) => c.seq)).toEqual(log.items.map((c) => c.seq));
  });

  it('gives what WMSi decided about every transaction that touched a document, newest first', async () => {
    const desktop = await api.as('desktop');
    const documentKey = { orderType: 'Normal', orderNbr: 'DEC0001' };
    const row = (notificationId: string, outcome: string, changes: unknown[]) => ({
      topic: 'purchase-orders',
      document_key: JSON.stringify(documentKey),
      query: 'WMS Purchase Orders',
      notification_id: notificationId,
      source_timestamp: nextTimeStamp(),
      outcome,
      changes: JSON.stringify(changes),
    });
    // Written by the workers in production; by hand here, in the table's documented shape.
    await bed.db
      .insertInto('document_history')
      .values([
        row('n-1', 'applied', [{ rowKey: { ...documentKey, lineNbr: 1 }, kind: 'insert' }]),
        row('n-1', 'duplicate', []),
        row('n-2', 'stale', [{ rowKey: { ...documentKey, lineNbr: 1 }, kind: 'stale' }]),
        { ...row('n-3', 'applied', []), document_key: JSON.stringify({ orderType: 'Normal', orderNbr: 'DEC0002' }) },
      ])
      .execute();
    const history = await desktop.documents.history({ topic: 'purchase-orders', documentKey: { orderNbr: 'DEC0001', orderType: 'Normal' } });
    expect(history.items.map((h) => [h.notificationId, h.outcome])).toEqual([
      ['n-2', 'stale'],
      ['n-1', 'duplicate'],
      ['n-1', 'applied'],
    ]);
    expect(history.items[0].sourceTimestamp).toMatch(/^\d+$/);
    expect(history.items[2].changes).toEqual([{ rowKey: { ...documentKey, lineNbr: 1 }, kind: 'insert' }]);
  });
});
