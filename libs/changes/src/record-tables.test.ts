import type { Row } from '@wmsi/contracts';
import { describe, expect, it } from 'vitest';
import { rowsDigest } from './processed.js';
import { columnName, topicTables } from '@wmsi/db';

const row = (lineNbr: number, openQty: number): Row => ({
  key: { orderType: 'Normal', orderNbr: 'PO1', lineNbr },
  values: { orderType: 'Normal', orderNbr: 'PO1', lineNbr, openQty },
  extra: {},
  rowKey: JSON.stringify(['Normal', 'PO1', lineNbr]),
});

describe('topic tables', () => {
  it('puts header fields on the document, line fields on the line, and LastModifiedDateTime on both', () => {
    const po = topicTables('purchase-orders', { document: 'purchase_orders', lines: 'purchase_order_lines' });
    expect(po.document.key.map((c) => c.column)).toEqual(['order_type', 'order_nbr']);
    expect(po.lines?.key.map((c) => c.column)).toEqual(['order_type', 'order_nbr', 'line_nbr']);
    expect(po.document.fields.map((c) => c.column)).toContain('vendor_name');
    expect(po.document.fields.map((c) => c.column)).not.toContain('open_qty');
    expect(po.lines?.fields.map((c) => c.column)).toContain('open_qty');
    expect(po.lines?.fields.map((c) => c.column)).not.toContain('vendor_name');
    expect(po.document.fields.find((c) => c.column === 'last_modified_date_time')).toBeDefined();
    expect(po.lines?.fields.find((c) => c.column === 'last_modified_date_time')).toBeDefined();
    expect(po.lines?.fields.find((c) => c.column === 'open_qty')?.type).toBe('numeric');
    expect(po.warehouseField).toBe('warehouse');
  });

  it('keeps every field of a topic without lines on its one table', () => {
    const items = topicTables('stock-items', { document: 'stock_items' });
    expect(items.lines).toBeUndefined();
    expect(items.document.fields.map((c) => c.column)).toEqual(expect.arrayContaining(['item_status', 'barcode', 'weight_uom']));
    expect(items.warehouseField).toBe('defaultWarehouse');
  });

  it('names columns in snake_case', () => {
    expect(['piId', 'lastModifiedDateTime', 'uom', 'kitInventoryId'].map(columnName)).toEqual(['pi_id', 'last_modified_date_time', 'uom', 'kit_inventory_id']);
  });
});

describe('rowsDigest', () => {
  it('is the same for a redelivery and differs between the two halves of one transaction', () => {
    const deletedHalf = { inserted: [], deleted: [row(1, 10)] };
    const insertedHalf = { inserted: [row(1, 0)], deleted: [] };
    expect(rowsDigest(deletedHalf)).toBe(rowsDigest({ inserted: [], deleted: [row(1, 10)] }));
    expect(rowsDigest(deletedHalf)).not.toBe(rowsDigest(insertedHalf));
    expect(rowsDigest(insertedHalf)).not.toBe(rowsDigest({ inserted: [row(1, 1)], deleted: [] }));
  });
});
