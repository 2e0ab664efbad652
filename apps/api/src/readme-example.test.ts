import { changesChannel } from '@wmsi/change-feed';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { createWmsClient } from '@wmsi/client';
import { purchaseOrderBody } from '@wmsi/contracts/testing';
import { receivingTables } from '@wmsi/receiving';
import { issueToken } from '@wmsi/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';

// The README's handheld example, word for word but for the address and the token: if it stops
// compiling or working, this fails.
describe("the README's handheld example", () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables });
    await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'PO000123', lines: 2 }));
    api = await startTestApi(bed);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  it('receives one AALEGO500 against PO000123 and subscribes to its changes', async () => {
    const token = (await issueToken(bed.db, 'handheld', 'Scanner 12, dock 3')).token;
    const log: unknown[] = [];
    const console = { log: (...args: unknown[]) => log.push(args) };

    const wms = createWmsClient({ url: api.url, token });
    const po = await wms.receiving.purchaseOrder.query({ orderType: 'Normal', orderNbr: 'PO000123' });
    const line = po?.lines.find((l) => l.inventoryId === 'AALEGO500');
    // One operation id per tap: a retry over bad Wi-Fi books nothing more.
    if (line) await wms.receiving.receive.mutate({ orderType: 'Normal', orderNbr: 'PO000123', lineNbr: line.lineNbr, qty: 1, operationId: crypto.randomUUID() });
    const subscription = wms.sync.changes.subscribe({ topics: ['purchase-orders'], warehouse: 'MAIN' }, {
      onData: ({ data }) => console.log(data.kind, data.documentKey, data.after), // e.g. the ERP cut an ordered qty
    });

    const receipts = await bed.db.selectFrom('receipts').selectAll().execute();
    expect(receipts).toMatchObject([{ order_nbr: 'PO000123', line_nbr: 1, qty: '1' }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Applied in-process rather than by a worker, so the test wakes the feeds as a worker does.
    const { events } = await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'PO000123', lines: 2, deletedLines: 1 }));
    await bed.redis.publish(changesChannel(bed.prefix), events.at(-1)!.id);
    const deadline = Date.now() + 5_000;
    while (log.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    subscription.unsubscribe();
    expect(log[0]).toEqual(['update', { orderType: 'Normal', orderNbr: 'PO000123' }, expect.objectContaining({ lineNbr: 1 })]);
  });
});
