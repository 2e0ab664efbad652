import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivingTables } from './index.js';

/**
 * Two deliveries of one notification touching the same documents are kept apart by the documents'
 * locks. One with no document to lock (every row parked) is kept apart by its dedup mark alone: this
 * test makes two such deliveries reach their marks at the same moment, and checks that one applies
 * and the other counts as a duplicate.
 */
describe('the same notification in two jobs at once (receiving)', () => {
  let bed: ChangesTestbed;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables });
  });
  afterAll(() => bed?.cleanup());

  it('parks a lone Deleted delivered twice concurrently once; the other delivery is a duplicate', async () => {
    const orderNbr = `PO-${randomUUID().slice(0, 8)}`;
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr)], timeStamp: nextTimeStamp() }));
    const id = randomUUID();
    const lone = poBody({ deleted: [poRow(orderNbr)], timeStamp: nextTimeStamp(), id });

    const outcomes = await whileMarksAreLocked(bed, 2, () => Promise.all([bed.apply('purchase-orders', lone), bed.apply('purchase-orders', lone)]));

    expect(outcomes.map((outcome) => outcome.parked).sort()).toEqual([0, 1]);
    expect(outcomes.map((outcome) => outcome.duplicates).sort()).toEqual([0, 1]);
    const history = await bed.db.selectFrom('document_history').select('outcome').where('notification_id', '=', id).execute();
    expect(history.map((row) => row.outcome).sort()).toEqual(['duplicate', 'parked']);
    const marks = await bed.db.selectFrom('processed_notifications').select('intake_id').where('notification_id', '=', id).execute();
    expect(marks).toHaveLength(1);
  });
});

/**
 * Runs `deliver` while another transaction holds the marks table against writes, until `writers`
 * batches wait to write their marks, then lets them go at once.
 */
async function whileMarksAreLocked<T>(bed: ChangesTestbed, writers: number, deliver: () => Promise<T>): Promise<T> {
  return bed.db.connection().execute(async (holder) => {
    await sql`begin`.execute(holder);
    let delivering: Promise<T> | undefined;
    try {
      await sql`lock table processed_notifications in share row exclusive mode`.execute(holder);
      delivering = deliver();
      await untilWaiting(bed, writers);
    } finally {
      await sql`commit`.execute(holder);
    }
    return delivering;
  });
}

/** Waits until `count` other transactions wait for a lock on the marks table. */
async function untilWaiting(bed: ChangesTestbed, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_locks
      where relation = 'processed_notifications'::regclass and not granted`.execute(bed.db);
    if ((rows[0]?.waiting ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`${count} writers did not reach the marks within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function poRow(orderNbr: string): Record<string, unknown> {
  return { OrderType: 'Normal', OrderNbr: orderNbr, Status: 'Open', VendorID: 'V000001', Warehouse: 'MAIN', LineNbr: 1, InventoryID: 'AALEGO500', OrderQty: 10, ReceivedQty: 0, OpenQty: 10 };
}

function poBody(options: { inserted?: Array<Record<string, unknown>>; deleted?: Array<Record<string, unknown>>; timeStamp: string; id?: string }): string {
  return notificationBody({ query: 'WMS Purchase Orders', ...options });
}
