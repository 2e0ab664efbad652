import { fileURLToPath } from 'node:url';
import { applyThroughWorkerApp } from '@wmsi/changes/testing';
import { shipmentBody } from '@wmsi/contracts/testing';
import { fulfillmentTables } from '@wmsi/fulfillment';
import { describe, expect, it } from 'vitest';

describe('the worker-fulfillment process', () => {
  it('applies a shipments notification from its queue, then stops on SIGTERM with exit 0', async () => {
    const { changes, exitCode, output } = await applyThroughWorkerApp({
      appRoot: fileURLToPath(new URL('..', import.meta.url)),
      domain: 'fulfillment',
      tables: fulfillmentTables,
      topic: 'shipments',
      body: shipmentBody({ lines: 1 }),
    });
    expect(changes, output).toEqual([{ topic: 'shipments', kind: 'insert' }]);
    expect(exitCode, output).toBe(0);
  }, 60_000);
});
