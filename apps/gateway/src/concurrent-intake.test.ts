import { purchaseOrderBody, salesOrderBody, stockItemBody } from '@wmsi/contracts/testing';
import { startIntakeDispatcher } from '@wmsi/intake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

describe('200 concurrent webhook requests over HTTP', () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await startTestGateway();
    url = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => gateway?.close());

  it('stores exactly one entry per 202 and each reaches its domain queue', async () => {
    const requests = Array.from({ length: 200 }, (_, i) => {
      const [topic, body] =
        i % 3 === 0 ? ['purchase-orders', purchaseOrderBody({ orderNbr: `C${i}` })] : i % 3 === 1 ? ['stock-items', stockItemBody({ inventoryId: `C${i}` })] : ['sales-orders', salesOrderBody({ orderNbr: `C${i}` })];
      return fetch(`${url}/webhooks/acumatica/${topic}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': gateway.apiKeys[topic as 'stock-items'] },
        body,
      }).then(async (response) => ({ topic, status: response.status, intakeId: ((await response.json()) as { intakeId: string }).intakeId }));
    });
    const replies = await Promise.all(requests);
    expect(replies.map((reply) => reply.status)).toEqual(Array(200).fill(202));

    const stored = await gateway.storedEntries();
    expect(stored.map((entry) => entry.intakeId).sort()).toEqual(replies.map((reply) => reply.intakeId).sort());

    const errors: unknown[] = [];
    const dispatcher = startIntakeDispatcher({
      redis: gateway.bed.background.duplicate(),
      queues: gateway.bed.queues,
      keys: gateway.bed.keys,
      consumer: 'concurrency-test',
      blockMs: 100,
      onError: (error) => errors.push(error),
    });
    const deadline = Date.now() + 10_000;
    while ((await gateway.bed.redis.xlen(gateway.bed.keys.stream)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await dispatcher.stop();
    expect(errors).toEqual([]);

    const expected = (topic: string) => replies.filter((reply) => reply.topic === topic).map((reply) => reply.intakeId).sort();
    const queued = async (domain: 'receiving' | 'items' | 'fulfillment') => (await gateway.bed.queued(domain)).map((notification) => notification.intakeId).sort();
    expect(await queued('receiving')).toEqual(expected('purchase-orders'));
    expect(await queued('items')).toEqual(expected('stock-items'));
    expect(await queued('fulfillment')).toEqual(expected('sales-orders'));
    expect(expected('purchase-orders')).toHaveLength(67);
  });
});
