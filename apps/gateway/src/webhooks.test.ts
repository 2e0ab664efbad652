import { createNotificationReader, type Topic } from '@wmsi/contracts';
import { purchaseOrderBody, sampleBody, stockItemBody } from '@wmsi/contracts/testing';
import { getQuarantined, listQuarantined } from '@wmsi/db';
import { revokeApiKey } from '@wmsi/intake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

const SAMPLE = 'stock-item-status-change.json';

/** What a worker reads from a stored body: the same reader the gateway validated it with. */
function readStored(topic: Topic, body: string | undefined) {
  const outcome = createNotificationReader()(topic, body ?? '');
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.notification;
}

describe('POST /webhooks/acumatica/:topic', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ bodyLimit: 4096 });
  });
  afterAll(async () => gateway?.close());

  it('accepts the real Acumatica sample on its topic and stores its TimeStamp digit for digit', async () => {
    const reply = await gateway.post('stock-items', sampleBody(SAMPLE));
    expect(reply.statusCode).toBe(202);
    const { intakeId } = reply.json<{ intakeId: string }>();
    const stored = (await gateway.storedEntries()).find((entry) => entry.intakeId === intakeId);
    expect(stored?.topic).toBe('stock-items');
    expect(stored?.body).toBe(sampleBody(SAMPLE));
    const read = readStored('stock-items', stored?.body);
    expect(read.timeStamp).toBe('636295833829493672');
    expect(read.inserted[0]?.values['itemStatus']).toBe('Inactive');
    expect(read.deleted[0]?.values['itemStatus']).toBe('Active');
  });

  it('keeps TimeStamps that JSON.parse would round to the same number apart', async () => {
    for (const timeStamp of ['638465233453014192', '638465233453014193']) {
      const reply = await gateway.post('purchase-orders', purchaseOrderBody({ timeStamp }));
      expect(reply.statusCode).toBe(202);
      const stored = (await gateway.storedEntries()).find((entry) => entry.intakeId === reply.json().intakeId);
      expect(readStored('purchase-orders', stored?.body).timeStamp).toBe(timeStamp);
    }
  });

  it('answers 202 to a notification with no rows and stores nothing', async () => {
    const before = (await gateway.storedEntries()).length;
    const empty = JSON.stringify({ Inserted: [], Deleted: [], Query: 'WMS Stock Items', CompanyId: 'T', Id: 'e0e0e0e0-0000-4000-8000-000000000000', TimeStamp: 1 });
    const reply = await gateway.post('stock-items', empty);
    expect(reply.statusCode).toBe(202);
    expect((await gateway.storedEntries()).length).toBe(before);
  });

  describe('refuses without storing', () => {
    it('401 without a key, with a wrong key, and with the key of another topic', async () => {
      const body = stockItemBody();
      expect((await gateway.post('stock-items', body, { 'x-api-key': '' })).statusCode).toBe(401);
      expect((await gateway.post('stock-items', body, { 'x-api-key': 'ak_0000000000.not-a-key' })).statusCode).toBe(401);
      const otherTopic = await gateway.post('stock-items', body, { 'x-api-key': gateway.apiKeys['purchase-orders'] });
      expect(otherTopic.statusCode).toBe(401);
      expect(otherTopic.json().message).toMatch(/another topic/);
    });

    it('401 for a revoked key, from the next request on', async () => {
      const key = gateway.apiKeys['shipments'];
      const body = JSON.stringify({ Inserted: [], Deleted: [], Query: 'WMS Shipments', Id: 'x', TimeStamp: 1 });
      expect((await gateway.post('shipments', body)).statusCode).toBe(202);
      await revokeApiKey(gateway.bed.stores, key.split('.')[0] as string);
      expect((await gateway.post('shipments', body)).statusCode).toBe(401);
    });

    it('401 comes before anything is read from the body, so a stranger cannot fill the quarantine', async () => {
      const reply = await gateway.post('stock-items', '{"truncated', { 'x-api-key': 'ak_0000000000.x' });
      expect(reply.statusCode).toBe(401);
      expect(await listQuarantined(gateway.bed.db, { topic: 'stock-items' })).toEqual([]);
    });

    it('404 for a topic WMSi does not know', async () => {
      expect((await gateway.post('invoices', stockItemBody())).statusCode).toBe(404);
    });

    it('413 for a body one byte over the limit, while one at the limit gets through', async () => {
      const padded = (size: number) => {
        const base = JSON.parse(stockItemBody()) as Record<string, unknown>;
        const bare = JSON.stringify({ ...base, Padding: '' });
        return JSON.stringify({ ...base, Padding: 'x'.repeat(size - Buffer.byteLength(bare)) });
      };
      expect(Buffer.byteLength(padded(4096))).toBe(4096);
      expect((await gateway.post('stock-items', padded(4096))).statusCode).toBe(202);
      expect((await gateway.post('stock-items', padded(4097))).statusCode).toBe(413);
    });

    it('415 for a body that is not sent as JSON', async () => {
      const reply = await gateway.post('stock-items', stockItemBody(), { 'content-type': 'text/plain' });
      expect(reply.statusCode).toBe(415);
    });
  });

  describe('refuses and quarantines what it cannot read', () => {
    it('400 for truncated JSON, kept byte for byte', async () => {
      const truncated = stockItemBody().slice(0, 60);
      const reply = await gateway.post('stock-items', truncated);
      expect(reply.statusCode).toBe(400);
      const { quarantineId } = reply.json<{ quarantineId: string }>();
      const kept = await getQuarantined(gateway.bed.db, quarantineId);
      expect(kept?.reason).toBe('unparseable-json');
      expect(kept?.raw_body.toString('utf8')).toBe(truncated);
    });

    it('422 for an envelope without Id', async () => {
      const body = JSON.parse(stockItemBody()) as Record<string, unknown>;
      delete body['Id'];
      const reply = await gateway.post('stock-items', JSON.stringify(body));
      expect(reply.statusCode).toBe(422);
      expect(reply.json().error).toBe('invalid-envelope');
      expect(reply.json().message).toMatch(/Id/);
      expect(await getQuarantined(gateway.bed.db, reply.json().quarantineId)).toBeDefined();
    });

    it('422 for a row without its key column, naming the row and the column', async () => {
      const body = JSON.parse(purchaseOrderBody({ lines: 3 })) as { Inserted: Array<Record<string, unknown>> };
      delete body.Inserted[1]?.['OrderNbr'];
      const reply = await gateway.post('purchase-orders', JSON.stringify(body));
      expect(reply.statusCode).toBe(422);
      expect(reply.json().error).toBe('invalid-rows');
      expect(JSON.stringify(reply.json().issues)).toMatch(/Inserted\[1\].*OrderNbr/);
      const kept = await getQuarantined(gateway.bed.db, reply.json().quarantineId);
      expect(kept?.topic).toBe('purchase-orders');
      expect(kept?.raw_body.toString('utf8')).toBe(JSON.stringify(body));
    });
  });

  it('counts what it received, accepted and refused in /metrics', async () => {
    const text = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/wmsi_webhook_accepted_total\{topic="stock-items"\} [1-9]/);
    expect(text).toMatch(/wmsi_webhook_rejected_total\{topic="stock-items",reason="unauthorized"\} [1-9]/);
    expect(text).toMatch(/wmsi_webhook_rejected_total\{topic="purchase-orders",reason="invalid-rows"\} 1/);
  });

  it('is alive at /healthz and ready at /readyz while Redis and PostgreSQL answer', async () => {
    expect((await gateway.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready', redis: 'ok', postgres: 'ok' });
  });
});
