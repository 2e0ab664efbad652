import { describe, expect, it } from 'vitest';
import { createNotificationChecker, createNotificationReader } from './notification.js';
import { purchaseOrderBody, sampleBody, shipmentBody, stockItemBody } from './testing/index.js';
import type { Topic } from './topics.js';

const reader = createNotificationReader({ 'stock-items': { inventoryId: 'Item' } });
const checker = createNotificationChecker({ 'stock-items': { inventoryId: 'Item' } });

/** Valid bodies and the ways integrators break them, each with the topic it is posted to. */
function corpus(): Array<[Topic, string]> {
  const po = JSON.parse(purchaseOrderBody({ lines: 4, deletedLines: 2, trailingSpaces: true }));
  const variants: Array<[Topic, string]> = [
    ['stock-items', sampleBody('stock-item-status-change.json')],
    ['purchase-orders', purchaseOrderBody({ lines: 40, deletedLines: 40 })],
    ['purchase-orders', JSON.stringify(po)],
    ['shipments', shipmentBody()],
    ['stock-items', stockItemBody()],
    ['stock-items', JSON.stringify({ ...JSON.parse(stockItemBody()), Inserted: [{ Item: 'CUSTOM1', ItemStatus: 'Active' }] })],
    ['purchase-orders', purchaseOrderBody().slice(0, 200)],
    ['purchase-orders', ''],
    ['purchase-orders', '[1,2]'],
    ['purchase-orders', JSON.stringify({ ...po, Id: undefined })],
    ['purchase-orders', JSON.stringify({ ...po, TimeStamp: -4 })],
    ['stock-items', purchaseOrderBody()],
  ];
  const broken = structuredClone(po);
  delete broken.Inserted[1].OrderNbr;
  broken.Inserted[2].OrderQty = 'lots';
  broken.Deleted[0].LineCompleted = 'yes';
  variants.push(['purchase-orders', JSON.stringify(broken)]);
  return variants;
}

describe('createNotificationChecker', () => {
  it('accepts and refuses exactly what the reader does, with the same outcome', () => {
    let refused = 0;
    for (const [topic, body] of corpus()) {
      const read = reader(topic, body);
      const checked = checker(topic, body);
      expect(checked.ok, body.slice(0, 80)).toBe(read.ok);
      if (!read.ok) {
        refused++;
        expect(checked).toEqual(read);
        continue;
      }
      if (!checked.ok) throw new Error('unreachable');
      const { inserted, deleted, ...envelope } = read.notification;
      expect(checked.notification).toEqual({ ...envelope, inserted: inserted.length, deleted: deleted.length });
    }
    expect(refused).toBeGreaterThanOrEqual(6);
  });

  it('leaves the full reader untouched after checking the same rows', () => {
    const body = purchaseOrderBody({ orderNbr: 'PO777', lines: 3 });
    expect(checker('purchase-orders', body).ok).toBe(true);
    const read = reader('purchase-orders', body);
    expect(read.ok && read.notification.inserted.map((row) => row.key)).toEqual([
      { orderType: 'Normal', orderNbr: 'PO777', lineNbr: 1 },
      { orderType: 'Normal', orderNbr: 'PO777', lineNbr: 2 },
      { orderType: 'Normal', orderNbr: 'PO777', lineNbr: 3 },
    ]);
  });
});
