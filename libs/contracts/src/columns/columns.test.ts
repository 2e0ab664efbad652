import { describe, expect, it } from 'vitest';
import { TOPICS } from '../topics.js';
import { COLUMN_CONTRACTS, columnsOf } from './index.js';

describe('column contracts', () => {
  it('uses the key columns of the inquiries (docs/acumatica/inquiries), in order', () => {
    const keyCaptions = Object.fromEntries(
      TOPICS.map((topic) => [topic, columnsOf(topic).columns.filter((c) => c.key).map((c) => c.captions[0])]),
    );
    expect(keyCaptions).toEqual({
      'purchase-orders': ['OrderType', 'OrderNbr', 'LineNbr'],
      'stock-items': ['InventoryID'],
      'sales-orders': ['OrderType', 'OrderNbr', 'LineNbr'],
      shipments: ['ShipmentNbr', 'LineNbr'],
      'assembly-orders': ['Type', 'ReferenceNbr', 'LineNbr'],
      'inventory-adjustments': ['ReferenceNbr', 'LineNbr'],
    });
    expect(columnsOf('assembly-orders').documentKeyFields).toEqual(['type', 'referenceNbr']);
  });

  it('lets only LineNbr be a null key', () => {
    for (const topic of TOPICS) {
      const nullableKeys = columnsOf(topic).columns.filter((c) => c.key && c.nullable).map((c) => c.field);
      expect(nullableKeys, topic).toEqual(topic === 'stock-items' ? [] : ['lineNbr']);
    }
  });

  it('gives every field one canonical camelCase name and no caption twice per topic', () => {
    for (const contract of Object.values(COLUMN_CONTRACTS)) {
      const fields = contract.columns.map((c) => c.field);
      expect(new Set(fields).size, contract.topic).toBe(fields.length);
      for (const field of fields) expect(field).toMatch(/^[a-z][A-Za-z]*$/);
      const captions = contract.columns.flatMap((c) => c.captions);
      expect(new Set(captions).size, contract.topic).toBe(captions.length);
    }
  });

  it('puts header fields on the document and line fields on the line', () => {
    const levels = Object.fromEntries(columnsOf('purchase-orders').columns.map((c) => [c.field, c.level]));
    expect(levels).toMatchObject({ orderNbr: 'header', status: 'header', lineNbr: 'line', openQty: 'line' });
    expect(columnsOf('stock-items').columns.every((c) => c.level === 'header')).toBe(true);
  });

  it('accepts the fallback caption Acumatica uses when LastModifiedDateTime has none', () => {
    const lastModified = columnsOf('stock-items').columns.find((c) => c.field === 'lastModifiedDateTime');
    expect(lastModified?.captions).toEqual(['LastModifiedDateTime', 'InventoryItem_lastModifiedDateTime']);
  });
});
