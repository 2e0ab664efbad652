import { describe, expect, it } from 'vitest';
import { appRouter } from './index.js';

// ARCHITECTURE.md's "Client API" is a public contract: clients are written against these names.
const CONTRACT = {
  'items.get': 'query',
  'items.search': 'query',
  'items.byBarcode': 'query',
  'receiving.purchaseOrder': 'query',
  'receiving.expected': 'query',
  'receiving.receive': 'mutation',
  'fulfillment.salesOrder': 'query',
  'fulfillment.shipment': 'query',
  'fulfillment.assemblyOrder': 'query',
  'fulfillment.pickList': 'query',
  'fulfillment.pick': 'mutation',
  'adjustments.adjustment': 'query',
  'adjustments.recordCount': 'mutation',
  'adjustments.reconciliation': 'query',
  'sync.status': 'query',
  'sync.quarantine': 'query',
  'sync.replay': 'mutation',
  'sync.changes': 'subscription',
} as const;

describe('the client API contract', () => {
  it('offers every procedure ARCHITECTURE.md names, of the kind it names', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    const offered = Object.fromEntries(Object.keys(CONTRACT).map((path) => [path, procedures[path]?._def.type]));
    expect(offered).toEqual(CONTRACT);
  });
});
