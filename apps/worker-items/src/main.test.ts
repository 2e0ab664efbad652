import { fileURLToPath } from 'node:url';
import { applyThroughWorkerApp } from '@wmsi/changes/testing';
import { sampleBody } from '@wmsi/contracts/testing';
import { itemsTables } from '@wmsi/items';
import { describe, expect, it } from 'vitest';

describe('the worker-items process', () => {
  it('applies a stock-items notification from its queue, then stops on SIGTERM with exit 0', async () => {
    const { changes, exitCode, output } = await applyThroughWorkerApp({
      appRoot: fileURLToPath(new URL('..', import.meta.url)),
      domain: 'items',
      tables: itemsTables,
      topic: 'stock-items',
      body: sampleBody('stock-item-status-change.json'),
    });
    expect(changes, output).toEqual([{ topic: 'stock-items', kind: 'update' }]);
    expect(exitCode, output).toBe(0);
  }, 60_000);
});
