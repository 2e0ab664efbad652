import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getQuarantined, listQuarantined, markReplayed, quarantineBody } from './quarantine.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test?.drop());

const someBody = (topic: string, text: string) =>
  quarantineBody(test.db, {
    topic,
    reason: 'unparseable-json',
    message: 'Unexpected end of JSON input',
    issues: [],
    rawBody: Buffer.from(text),
  });

describe('quarantine', () => {
  it('keeps a body with invalid UTF-8 and a NUL byte byte for byte', async () => {
    const rawBody = Buffer.concat([Buffer.from('{"Query":"WMS Stock Items","Id":"'), Buffer.from([0x00, 0xff, 0xc3, 0x28, 0xfe]), Buffer.from('"}')]);
    const { id } = await quarantineBody(test.db, {
      topic: 'stock-items',
      reason: 'unparseable-json',
      message: 'Invalid UTF-8',
      issues: [],
      rawBody,
      contentType: 'application/json; charset=utf-8',
    });

    const stored = await getQuarantined(test.db, id);
    expect(Buffer.isBuffer(stored?.raw_body)).toBe(true);
    expect(stored?.raw_body.equals(rawBody)).toBe(true);
    expect(stored).toMatchObject({ topic: 'stock-items', content_type: 'application/json; charset=utf-8', replayed_at: null });
  });

  it('stores the issues as a JSON array with the notification it came from', async () => {
    const issues = [{ path: ['Inserted', 0, 'InventoryID'], message: 'Required', code: 'invalid_type' }];
    const { id } = await quarantineBody(test.db, {
      topic: 'purchase-orders',
      reason: 'invalid-rows',
      message: '1 row is missing a key column',
      issues,
      rawBody: Buffer.from('{}'),
      notificationId: '1af4d140-0000-0000-0000-000000000000',
      query: 'WMS Purchase Orders',
    });
    const stored = await getQuarantined(test.db, id);
    expect(stored).toMatchObject({
      id,
      reason: 'invalid-rows',
      issues,
      notification_id: '1af4d140-0000-0000-0000-000000000000',
      query: 'WMS Purchase Orders',
    });
    expect(typeof id).toBe('string');
  });

  it('returns undefined for an id that was never quarantined', async () => {
    expect(await getQuarantined(test.db, '999999999')).toBeUndefined();
  });

  it('lists newest first, a page at a time, without the bytes', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push((await someBody('shipments', `{ broken ${n}`)).id);
    const newestFirst = [...ids].reverse();

    const first = await listQuarantined(test.db, { topic: 'shipments', limit: 2 });
    const second = await listQuarantined(test.db, { topic: 'shipments', limit: 2, beforeId: first.at(-1)?.id });
    const third = await listQuarantined(test.db, { topic: 'shipments', limit: 2, beforeId: second.at(-1)?.id });

    expect([first, second, third].map((page) => page.map((row) => row.id))).toEqual([
      newestFirst.slice(0, 2),
      newestFirst.slice(2, 4),
      newestFirst.slice(4),
    ]);
    expect(first[0]).not.toHaveProperty('raw_body');
    expect(first[0].body_bytes).toBe(Buffer.byteLength('{ broken 5'));
  });

  it('lists only the topic asked for, or every topic', async () => {
    const { id } = await someBody('inventory-adjustments', '[');
    const adjustments = await listQuarantined(test.db, { topic: 'inventory-adjustments' });
    expect(adjustments.map((row) => row.id)).toEqual([id]);
    const everything = await listQuarantined(test.db, { limit: 500 });
    expect(new Set(everything.map((row) => row.topic))).toEqual(
      new Set(['stock-items', 'purchase-orders', 'shipments', 'inventory-adjustments']),
    );
    expect(everything[0].id).toBe(id);
  });

  it('marks a body replayed once and leaves it out of the pending list', async () => {
    const { id } = await someBody('sales-orders', '{');
    const { id: other } = await someBody('sales-orders', '{{');
    const first = await markReplayed(test.db, id);
    const again = await markReplayed(test.db, id);

    expect(first?.replayed_at).toBeInstanceOf(Date);
    expect(again?.replayed_at).toEqual(first?.replayed_at);
    const pending = await listQuarantined(test.db, { topic: 'sales-orders', pendingOnly: true });
    expect(pending.map((row) => row.id)).toEqual([other]);
    expect(await markReplayed(test.db, '999999999')).toBeUndefined();
  });
});
