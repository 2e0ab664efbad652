import { describe, expect, it } from 'vitest';
import { createNotificationReader } from './notification.js';
import { sampleBody } from './testing/index.js';

describe("Acumatica's own sample notification", () => {
  const body = sampleBody('stock-item-status-change.json');
  const outcome = createNotificationReader()('stock-items', body);
  if (!outcome.ok) throw new Error(outcome.message);
  const { notification } = outcome;

  it("is read verbatim from the repository's samples", () => {
    expect(body).toContain('"TimeStamp":636295833829493672');
  });

  it('keeps the TimeStamp digit for digit', () => {
    expect(notification.timeStamp).toBe('636295833829493672');
    expect(notification).toMatchObject({
      topic: 'stock-items',
      query: 'Stock Items: Last Modified Date',
      companyId: 'MyTenant',
      id: '1af4d140-5321-41f2-a2ec-50b67f577c6c',
      additionalInfo: {},
    });
  });

  it('reads the status change as the old row in Deleted and the new row in Inserted', () => {
    expect(notification.deleted).toEqual([
      {
        key: { inventoryId: 'AACOMPUT01' },
        values: { inventoryId: 'AACOMPUT01', itemStatus: 'Active', lastModifiedDateTime: '2024-05-05T15:16:23.103' },
        extra: { StockItem: true },
        rowKey: '["AACOMPUT01"]',
      },
    ]);
    expect(notification.inserted).toEqual([
      {
        key: { inventoryId: 'AACOMPUT01' },
        values: { inventoryId: 'AACOMPUT01', itemStatus: 'Inactive', lastModifiedDateTime: '2024-05-05T15:16:23.1' },
        extra: { StockItem: true },
        rowKey: '["AACOMPUT01"]',
      },
    ]);
  });
});
