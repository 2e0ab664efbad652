import { getQuarantined, listQuarantined } from '@wmsi/db';
import { notificationBody } from '@wmsi/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

// Acumatica resends a refused notification up to 5 times, each up to 16 MiB: the quarantine keeps
// the body once and counts the copies.
describe('a refused notification Acumatica resends', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => gateway?.close());

  it('is quarantined once with a count of 5 when posted 5 times, each reply naming the same row', async () => {
    const body = notificationBody({ query: 'WMS Shipments', id: 'resent-five-times', inserted: [{ Status: 'Open' }] });
    const replies = [];
    for (let attempt = 0; attempt < 5; attempt += 1) replies.push(await gateway.post('shipments', body));

    expect(replies.map((reply) => reply.statusCode)).toEqual([422, 422, 422, 422, 422]);
    const [id, ...others] = new Set(replies.map((reply) => reply.json<{ quarantineId: string }>().quarantineId));
    expect(others).toEqual([]);
    const [row, ...more] = await listQuarantined(gateway.bed.db, { topic: 'shipments', limit: 500 });
    expect(more).toEqual([]);
    expect(row).toMatchObject({ id, times_seen: 5, notification_id: 'resent-five-times' });
    expect(row?.last_seen_at.getTime()).toBeGreaterThanOrEqual(row?.received_at.getTime() ?? Infinity);
    expect((await getQuarantined(gateway.bed.db, String(id)))?.raw_body.toString('utf8')).toBe(body);

    // Another body (another notification) is a row of its own.
    const other = notificationBody({ query: 'WMS Shipments', id: 'another-one', inserted: [{ Status: 'Open' }] });
    expect((await gateway.post('shipments', other)).statusCode).toBe(422);
    expect(await listQuarantined(gateway.bed.db, { topic: 'shipments', limit: 500 })).toHaveLength(2);
  });
});
