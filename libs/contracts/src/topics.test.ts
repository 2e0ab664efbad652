import { describe, expect, it } from 'vitest';
import { DOMAINS, TOPICS, defaultInquiryTitle, domainOf, isTopic, topicsOf } from './topics.js';

describe('topics', () => {
  it('recognises exactly the six webhook topics', () => {
    expect(TOPICS.every(isTopic)).toBe(true);
    expect(isTopic('purchase-order')).toBe(false);
    expect(isTopic('Stock-Items')).toBe(false);
    expect(isTopic('__proto__')).toBe(false);
    expect(isTopic('')).toBe(false);
  });

  it('routes every topic to the domain worker that owns it', () => {
    expect(domainOf('purchase-orders')).toBe('receiving');
    expect(domainOf('stock-items')).toBe('items');
    expect(domainOf('inventory-adjustments')).toBe('adjustments');
    expect(topicsOf('fulfillment')).toEqual(['sales-orders', 'shipments', 'assembly-orders']);
    expect(DOMAINS.flatMap(topicsOf).sort()).toEqual([...TOPICS].sort());
  });

  it('knows the inquiry title shipped for each topic', () => {
    expect(defaultInquiryTitle('purchase-orders')).toBe('WMS Purchase Orders');
    expect(defaultInquiryTitle('inventory-adjustments')).toBe('WMS Inventory Adjustments');
  });
});
