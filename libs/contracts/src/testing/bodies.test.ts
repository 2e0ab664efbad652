import { describe, expect, it } from 'vitest';
import { createNotificationReader } from '../notification.js';
import { compareTimeStamps, timeStampToDate } from '../timestamp.js';
import type { Topic } from '../topics.js';
import {
  assemblyOrderBody,
  inventoryAdjustmentBody,
  nextTimeStamp,
  purchaseOrderBody,
  salesOrderBody,
  shipmentBody,
  stockItemBody,
} from './index.js';

const read = createNotificationReader();

describe('generated bodies', () => {
  const generators: Array<[Topic, (options: { timeStamp: string; trailingSpaces: boolean }) => string, number]> = [
    ['purchase-orders', (o) => purchaseOrderBody({ ...o, lines: 5, deletedLines: 2 }), 5],
    ['stock-items', (o) => stockItemBody({ ...o, items: 2, previousStatus: 'Active', itemStatus: 'Inactive' }), 2],
    ['sales-orders', (o) => salesOrderBody({ ...o, deletedLines: 1 }), 3],
    ['shipments', (o) => shipmentBody({ ...o, deletedLines: 1 }), 3],
    ['assembly-orders', (o) => assemblyOrderBody({ ...o, deletedLines: 1 }), 3],
    ['inventory-adjustments', (o) => inventoryAdjustmentBody({ ...o, deletedLines: 1 }), 2],
  ];

  for (const [topic, generate, rows] of generators) {
    it(`read back on ${topic}, with the default captions and an exact TimeStamp`, () => {
      for (const trailingSpaces of [false, true]) {
        const timeStamp = nextTimeStamp();
        const outcome = read(topic, generate({ timeStamp, trailingSpaces }));
        if (!outcome.ok) throw new Error(outcome.message);
        const { notification } = outcome;
        expect(notification.timeStamp).toBe(timeStamp);
        expect(notification.inserted).toHaveLength(rows);
        expect(notification.inserted.every((row) => Object.keys(row.extra).length === 0)).toBe(true);
        const insertedKeys = new Set(notification.inserted.map((row) => row.rowKey));
        expect(notification.deleted.every((row) => insertedKeys.has(row.rowKey))).toBe(true);
      }
    });
  }

  it('number documents afresh on every call', () => {
    const first = purchaseOrderBody({ lines: 1 });
    const second = purchaseOrderBody({ lines: 1 });
    const orderNbr = (body: string) => /"OrderNbr":"([^"]+)"/.exec(body)?.[1];
    expect(orderNbr(first)).not.toBe(orderNbr(second));
  });
});

describe('nextTimeStamp', () => {
  it('is strictly increasing, beyond a JS number, and close to now', () => {
    const stamps = Array.from({ length: 1000 }, nextTimeStamp);
    for (let i = 1; i < stamps.length; i++) expect(compareTimeStamps(stamps[i - 1], stamps[i])).toBe(-1);
    expect(stamps.every((stamp) => /^\d{18}$/.test(stamp))).toBe(true);
    expect(Math.abs(timeStampToDate(stamps[0]).getTime() - Date.now())).toBeLessThan(60_000);
  });
});
