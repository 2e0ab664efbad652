import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getQuarantined, listQuarantined, markReplayed, pruneQuarantine, quarantineBody } from './quarantine.js';
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

  it('keeps a body Acumatica resends 5 times once, counting the copies and when the last one came', async () => {
    const body = '{"Query":"WMS Shipments","Id":"resent-5-times","Inserted":[{"ShipmentNbr":null}]}';
    const ids: string[] = [];
    for (let copy = 0; copy < 5; copy += 1) ids.push((await someBody('shipments', body)).id);

    expect(new Set(ids).size).toBe(1);
    const rows = await test.db.selectFrom('quarantine').select(['id', 'times_seen', 'received_at', 'last_seen_at']).where('id', '=', ids[0]).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].times_seen).toBe(5);
    expect(rows[0].last_seen_at.getTime()).toBeGreaterThanOrEqual(rows[0].received_at.getTime());
    const listed = await listQuarantined(test.db, { topic: 'shipments', limit: 500 });
    expect(listed.filter((row) => row.id === ids[0])).toMatchObject([{ times_seen: 5, body_bytes: Buffer.byteLength(body) }]);
    // The same bytes under another topic are another failure, kept apart.
    expect((await someBody('receipts', body)).id).not.toBe(ids[0]);
  });

  it('makes a replayed body pending again when a new copy of it is refused', async () => {
    const { id } = await someBody('sales-orders', '{"again":');
    await markReplayed(test.db, id);
    expect((await someBody('sales-orders', '{"again":')).id).toBe(id);
    expect((await getQuarantined(test.db, id))?.replayed_at).toBeNull();
  });

  it('prunes the bodies last seen before the retention, a batch at a time, and keeps the others', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 50; n += 1) ids.push((await someBody('stock-items', `{ aged ${n}`)).id);
    // 40 were last seen 15 days ago (first seen 20 days ago); 10 first came 20 days ago but were resent yesterday.
    await sql`update quarantine set received_at = now() - interval '20 days', last_seen_at = now() - interval '15 days' where id = any(${ids.slice(0, 40)}::bigint[])`.execute(test.db);
    await sql`update quarantine set received_at = now() - interval '20 days', last_seen_at = now() - interval '1 day' where id = any(${ids.slice(40)}::bigint[])`.execute(test.db);
    const before = await test.db.selectFrom('quarantine').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

    expect(await pruneQuarantine(test.db, { retentionDays: 14, batchSize: 7 })).toBe(40);
    const left = await test.db.selectFrom('quarantine').select('id').execute();
    expect(left).toHaveLength(Number(before.n) - 40);
    expect(left.map((row) => row.id)).toEqual(expect.arrayContaining(ids.slice(40)));
    expect(await pruneQuarantine(test.db, { retentionDays: 14 })).toBe(0);
  });
});
