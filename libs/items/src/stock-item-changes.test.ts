import { createChangesTestbed, schemaMismatches, type ChangesTestbed } from '@wmsi/changes/testing';
import { notificationBody, nextTimeStamp, sampleBody, stockItemBody } from '@wmsi/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemsTables } from './index.js';

describe('stock-item changes (items)', () => {
  let bed: ChangesTestbed;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items', tables: itemsTables });
  });
  afterAll(() => bed?.cleanup());

  it('has a typed column in the migrated schema for every field of its column contract', async () => {
    expect(await schemaMismatches(bed.db, itemsTables)).toEqual([]);
  });

  const item = (inventoryId: string) =>
    bed.db.selectFrom('stock_items').selectAll().where('inventory_id', '=', inventoryId).executeTakeFirst();

  it("leaves AACOMPUT01 Inactive after Acumatica's own sample, with its TimeStamp exact", async () => {
    const counts = await bed.apply('stock-items', sampleBody('stock-item-status-change.json'));
    expect(counts).toMatchObject({ applied: 1, pairsInNotification: 1, parked: 0 });
    expect(await item('AACOMPUT01')).toMatchObject({
      item_status: 'Inactive',
      source_timestamp: '636295833829493672',
      last_modified_date_time: '2024-05-05T15:16:23.1',
      // StockItem is not in the column contract: kept as sent.
      extra: { StockItem: true },
      removed_at: null,
    });
    const [change] = (await bed.changeLog()).filter((c) => (c.row_key as { inventoryId: string }).inventoryId === 'AACOMPUT01');
    expect(change).toMatchObject({ kind: 'update', before: { itemStatus: 'Active' }, after: { itemStatus: 'Inactive' } });
  });

  it('ignores the sample delivered again, days later: no second change', async () => {
    const again = await bed.apply('stock-items', sampleBody('stock-item-status-change.json'));
    expect(again).toMatchObject({ duplicates: 1, applied: 0 });
    expect((await bed.changeLog()).filter((c) => (c.row_key as { inventoryId: string }).inventoryId === 'AACOMPUT01')).toHaveLength(1);
  });

  it('stores every typed item field and finds an item by barcode', async () => {
    await bed.apply('stock-items', stockItemBody({ inventoryId: 'DESKLAMP01', trailingSpaces: true }));
    const stored = await bed.db.selectFrom('stock_items').selectAll().where('barcode', '=', '4001234500001').executeTakeFirst();
    expect(stored).toMatchObject({
      inventory_id: 'DESKLAMP01',
      item_class: 'STOCKITEM',
      base_unit: 'EA',
      weight: '0.25',
      default_warehouse: 'MAIN',
      item_status: 'Active',
    });
  });

  it('tombstones an item that leaves the inquiry and revives it when it comes back', async () => {
    const row = { InventoryID: 'CONGRILL', ItemStatus: 'Active', Description: 'Contact grill' };
    const [t1, t2, t3] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
    await bed.apply('stock-items', notificationBody({ query: 'WMS Stock Items', inserted: [row], timeStamp: t1 }));
    await bed.apply('stock-items', notificationBody({ query: 'WMS Stock Items', deleted: [row], timeStamp: t2 }));
    expect(await bed.endWindows()).toMatchObject({ removals: 1 });
    expect((await item('CONGRILL'))!.removed_at).not.toBeNull();
    await bed.apply('stock-items', notificationBody({ query: 'WMS Stock Items', inserted: [{ ...row, ItemStatus: 'No Sales' }], timeStamp: t3 }));
    expect(await item('CONGRILL')).toMatchObject({ removed_at: null, item_status: 'No Sales', source_timestamp: t3 });
  });
});
