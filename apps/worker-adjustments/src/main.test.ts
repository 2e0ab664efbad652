import { fileURLToPath } from 'node:url';
import { applyThroughWorkerApp } from '@wmsi/changes/testing';
import { inventoryAdjustmentBody } from '@wmsi/contracts/testing';
import { adjustmentsTables } from '@wmsi/adjustments';
import { describe, expect, it } from 'vitest';

describe('the worker-adjustments process', () => {
  it('applies a inventory-adjustments notification from its queue, then stops on SIGTERM with exit 0', async () => {
    const { changes, exitCode, output } = await applyThroughWorkerApp({
      appRoot: fileURLToPath(new URL('..', import.meta.url)),
      domain: 'adjustments',
      tables: adjustmentsTables,
      topic: 'inventory-adjustments',
      body: inventoryAdjustmentBody({ lines: 1 }),
    });
    expect(changes, output).toEqual([{ topic: 'inventory-adjustments', kind: 'insert' }]);
    expect(exitCode, output).toBe(0);
  }, 60_000);
});
