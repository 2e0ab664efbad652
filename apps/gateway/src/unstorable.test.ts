import { notificationBody, purchaseOrderBody } from '@wmsi/contracts/testing';
import { getQuarantined } from '@wmsi/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

// ARCHITECTURE rule 10: what PostgreSQL cannot store is refused at the gateway (422, quarantined),
// not acknowledged and then failed in a worker, where it would hold back the notifications of its job.

const poLine = (fields: Record<string, unknown>) => ({ OrderType: 'Normal', OrderNbr: 'PO000123', LineNbr: 1, InventoryID: 'AALEGO500', OrderQty: 1, ...fields });
const poBody = (fields: Record<string, unknown>, envelope: { id?: string; query?: string } = {}) =>
  notificationBody({ query: envelope.query ?? 'WMS Purchase Orders', id: envelope.id, inserted: [poLine(fields)] as never[] });

describe('values PostgreSQL cannot store, at the webhook', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => gateway?.close());

  const cases: Array<[string, string]> = [
    ['a NUL in a key', poBody({ OrderNbr: 'PO\u0000123' })],
    ['a lone surrogate in a key', poBody({ OrderNbr: 'PO\ud800' })],
    ['a line number beyond integer', poBody({ LineNbr: 3_000_000_000 })],
    ['an Id of 3,000 characters', poBody({}, { id: 'x'.repeat(3_000) })],
    ['a key of 200 characters', poBody({ InventoryID: 'ok', OrderNbr: 'P'.repeat(200) })],
    ['a NUL in Query', poBody({}, { query: 'WMS\u0000Purchase Orders' })],
    ['a quantity of 10^400', poBody({}).replace('"OrderQty":1', '"OrderQty":1e400')],
  ];
  for (const [what, body] of cases) {
    it(`answers 422 to ${what} and keeps the body in quarantine`, async () => {
      const before = (await gateway.storedEntries()).length;
      const reply = await gateway.post('purchase-orders', body);
      expect(reply.statusCode).toBe(422);
      const { quarantineId } = reply.json<{ quarantineId: string }>();
      expect((await getQuarantined(gateway.bed.db, quarantineId))?.raw_body.toString()).toBe(body);
      expect(await gateway.storedEntries()).toHaveLength(before);
    });
  }

  it('accepts NUL and lone surrogates outside keys (stored as U+FFFD) and a quantity with 16 significant digits', async () => {
    const body = poBody({ LineDescription: 'Lego\u0000set\udc00', Note: 'free \ud800 text' }).replace('"OrderQty":1', '"OrderQty":12345678901.123456');
    expect((await gateway.post('purchase-orders', body)).statusCode).toBe(202);
    expect((await gateway.post('purchase-orders', purchaseOrderBody())).statusCode).toBe(202);
  });
});
