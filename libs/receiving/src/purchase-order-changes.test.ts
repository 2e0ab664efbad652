import { comparePositions, decodePosition, matches, toChangeEvent, type LoggedChange } from '@wmsi/change-feed';
import { accepted, createChangesTestbed, schemaMismatches, type ChangesTestbed } from '@wmsi/changes/testing';
import { timeStampToDate } from '@wmsi/contracts';
import { notificationBody, nextTimeStamp, purchaseOrderBody } from '@wmsi/contracts/testing';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivingTables } from './index.js';

type Fields = Record<string, unknown>;
let sequence = 0;
const newOrderNbr = () => `PO${String(++sequence).padStart(6, '0')}-${randomUUID().slice(0, 6)}`;

/** One row of "WMS Purchase Orders": a PO line with its header repeated. */
function poRow(orderNbr: string, lineNbr: number | null, fields: Fields = {}): Fields {
  return {
    OrderType: 'Normal',
    OrderNbr: orderNbr,
    Status: 'Open',
    VendorID: 'V000001',
    Warehouse: 'MAIN',
    LineNbr: lineNbr,
    InventoryID: 'AALEGO500',
    OrderQty: 10,
    ReceivedQty: 0,
    OpenQty: 10,
    ...fields,
  };
}

function poBody(options: { inserted?: Fields[]; deleted?: Fields[]; timeStamp: string; id?: string }): string {
  return notificationBody({ query: 'WMS Purchase Orders', ...options });
}

describe('purchase-order changes (receiving)', () => {
  let bed: ChangesTestbed;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables });
  });
  afterAll(() => bed?.cleanup());

  it('has a typed column in the migrated schema for every field of its column contract', async () => {
    expect(await schemaMismatches(bed.db, receivingTables)).toEqual([]);
  });

  const line = (orderNbr: string, lineNbr: number) =>
    bed.db
      .selectFrom('purchase_order_lines')
      .selectAll()
      .where('order_nbr', '=', orderNbr)
      .where('line_nbr', '=', lineNbr)
      .executeTakeFirst();
  const order = (orderNbr: string) =>
    bed.db.selectFrom('purchase_orders').selectAll().where('order_nbr', '=', orderNbr).executeTakeFirst();
  const changesOf = async (orderNbr: string) =>
    (await bed.changeLog())
      .filter((change) => (change.document_key as Fields).orderNbr === orderNbr)
      .map((change) => `${change.kind}:${change.level === 'document' ? 'document' : (change.row_key as Fields).lineNbr}`);

  it('stores a 40-line purchase order from one notification: the header once, every line typed', async () => {
    const timeStamp = nextTimeStamp();
    const counts = await bed.apply('purchase-orders', purchaseOrderBody({ orderNbr: 'PO40LINES', lines: 40, timeStamp, trailingSpaces: true }));
    expect(counts.applied).toBe(40);
    const header = await order('PO40LINES');
    expect(header).toMatchObject({ order_type: 'Normal', status: 'Open', warehouse: 'MAIN', source_timestamp: timeStamp, removed_at: null });
    const lines = await bed.db.selectFrom('purchase_order_lines').selectAll().where('order_nbr', '=', 'PO40LINES').orderBy('line_nbr').execute();
    expect(lines).toHaveLength(40);
    expect(lines[2]).toMatchObject({ line_nbr: 3, inventory_id: 'CONAIRT1', order_qty: '22', received_qty: '3', open_qty: '19', line_completed: false });
  });

  it('turns Deleted and Inserted rows of one notification into one update', async () => {
    const orderNbr = newOrderNbr();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2)], timeStamp: t1 }));
    const counts = await bed.apply(
      'purchase-orders',
      poBody({
        deleted: [poRow(orderNbr, 1)],
        inserted: [poRow(`${orderNbr} `, 1, { ReceivedQty: 4, OpenQty: 6, Warehouse: 'MAIN  ' })],
        timeStamp: t2,
      }),
    );
    expect(counts).toMatchObject({ applied: 1, pairsInNotification: 1, parked: 0 });
    expect(await line(orderNbr, 1)).toMatchObject({ received_qty: '4', open_qty: '6', source_timestamp: t2, removed_at: null });
    expect(await line(orderNbr, 2)).toMatchObject({ received_qty: '0', source_timestamp: t1 });
    expect(await changesOf(orderNbr)).toEqual(['insert:1', 'insert:2', 'update:1']);
    expect(await bed.pendingWindows()).toEqual([]);
  });

  it('pairs a Deleted that arrives first with its Inserted in a later request: one update, no removal ever visible', async () => {
    const orderNbr = newOrderNbr();
    const id = randomUUID();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));

    const deletedHalf = await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2, id }));
    expect(deletedHalf).toMatchObject({ parked: 1, applied: 0 });
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null, source_timestamp: t1 });

    // Same Query and Id, other rows: the second half of the transaction, not a redelivery.
    const insertedHalf = await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1, { ReceivedQty: 10, OpenQty: 0 })], timeStamp: t2, id }));
    expect(insertedHalf).toMatchObject({ duplicates: 0, applied: 1, pairsAcrossNotifications: 1 });

    const ended = await bed.endWindows();
    expect(ended.removals).toBe(0);
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null, open_qty: '0', source_timestamp: t2 });
    expect(await changesOf(orderNbr)).toEqual(['insert:1', 'update:1']);
    const update = (await bed.changeLog()).at(-1)!;
    expect(update.before).toMatchObject({ openQty: '10' });
    expect(update.after).toMatchObject({ openQty: '0' });
  });

  it('applies an Inserted that arrives before its Deleted at once; the late Deleted removes nothing', async () => {
    const orderNbr = newOrderNbr();
    const id = randomUUID();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1, { OpenQty: 3 })], timeStamp: t2, id }));
    expect(await line(orderNbr, 1)).toMatchObject({ open_qty: '3', source_timestamp: t2 });

    const lateDeleted = await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2, id }));
    expect(lateDeleted).toMatchObject({ parked: 0, stale: 1, applied: 0 });
    expect(await bed.endWindows()).toMatchObject({ removals: 0 });
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null, open_qty: '3' });
    expect(await changesOf(orderNbr)).toEqual(['insert:1', 'insert:1']);
  });

  it('turns a lone Deleted into a removal when its window ends: a tombstone that a later insert revives', async () => {
    const orderNbr = newOrderNbr();
    const [t1, t2, t3] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2 }));
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null });

    expect(await bed.endWindows()).toMatchObject({ removals: 1, applied: 1 });
    const removed = await line(orderNbr, 1);
    expect(removed).toMatchObject({ source_timestamp: t2, inventory_id: 'AALEGO500' });
    expect(removed!.removed_at).toEqual(timeStampToDate(t2));
    // Its only line gone, the order left the inquiry too.
    expect((await order(orderNbr))!.removed_at).toEqual(timeStampToDate(t2));

    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1, { OpenQty: 7 })], timeStamp: t3 }));
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null, open_qty: '7', source_timestamp: t3 });
    expect(await order(orderNbr)).toMatchObject({ removed_at: null, source_timestamp: t3 });
    // The order went with its line and came back with it: each is an event of its own.
    expect(await changesOf(orderNbr)).toEqual(['insert:1', 'removal:1', 'removal:document', 'insert:1', 'insert:document']);
  });

  it('lets the Inserted half beat a removal of the same TimeStamp made when the window had already ended', async () => {
    const orderNbr = newOrderNbr();
    const id = randomUUID();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2, id }));
    await bed.endWindows();
    expect((await line(orderNbr, 1))!.removed_at).not.toBeNull();

    const late = await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1, { OpenQty: 1 })], timeStamp: t2, id }));
    expect(late).toMatchObject({ applied: 1, pairsAcrossNotifications: 0 });
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null, open_qty: '1', source_timestamp: t2 });
    expect(await order(orderNbr)).toMatchObject({ removed_at: null });
  });

  it('applies the same notification delivered 5 times concurrently and 5 times after: one effect, one change-log entry', async () => {
    const orderNbr = newOrderNbr();
    const body = poBody({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2)], timeStamp: nextTimeStamp() });
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => bed.apply('purchase-orders', body)));
    const sequential = [];
    for (let i = 0; i < 5; i++) sequential.push(await bed.apply('purchase-orders', body));
    const all = [...concurrent, ...sequential];
    expect(all.filter((counts) => counts.applied === 2)).toHaveLength(1);
    expect(all.reduce((sum, counts) => sum + counts.duplicates, 0)).toBe(9);
    expect(await changesOf(orderNbr)).toEqual(['insert:1', 'insert:2']);
  });

  it('parks a lone Deleted delivered by two jobs meeting at its mark once; the other delivery is a duplicate', async () => {
    // No document to lock (every row parked): the dedup mark alone keeps the two apart.
    const orderNbr = newOrderNbr();
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: nextTimeStamp() }));
    const id = randomUUID();
    const lone = poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: nextTimeStamp(), id });

    const outcomes = await whileMarksAreLocked(bed, 2, () => Promise.all([bed.apply('purchase-orders', lone), bed.apply('purchase-orders', lone)]));

    expect(outcomes.map((outcome) => outcome.parked).sort()).toEqual([0, 1]);
    expect(outcomes.map((outcome) => outcome.duplicates).sort()).toEqual([0, 1]);
    const history = await bed.db.selectFrom('document_history').select('outcome').where('notification_id', '=', id).execute();
    expect(history.map((row) => row.outcome).sort()).toEqual(['duplicate', 'parked']);
    const marks = await bed.db.selectFrom('processed_notifications').select('intake_id').where('notification_id', '=', id).execute();
    expect(marks).toHaveLength(1);
  });

  it('processes a split pair delivered 3 times each, in mixed order, as exactly one update', async () => {
    const orderNbr = newOrderNbr();
    const id = randomUUID();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    const deletedHalf = poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2, id });
    const insertedHalf = poBody({ inserted: [poRow(orderNbr, 1, { OpenQty: 2 })], timeStamp: t2, id });
    await Promise.all([deletedHalf, insertedHalf, deletedHalf, insertedHalf, deletedHalf, insertedHalf].map((body) => bed.apply('purchase-orders', body)));
    await bed.endWindows();
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null, open_qty: '2', source_timestamp: t2 });
    const changes = await changesOf(orderNbr);
    // The Inserted half either claims the parked Deleted (update) or comes first (insert), once.
    expect(changes).toHaveLength(2);
    expect(changes.slice(1)[0]).toMatch(/^(update|insert):1$/);
  });

  it.each([
    ['newer first', ['638465233453014193', '638465233453014192']],
    ['older first', ['638465233453014192', '638465233453014193']],
  ])('keeps the newer of two TimeStamps a JS number cannot tell apart (%s)', async (_, order) => {
    // The whole point: as numbers these two are the same.
    expect(Number(order[0])).toBe(Number(order[1]));
    const orderNbr = newOrderNbr();
    const qtyAt = (timeStamp: string) => (timeStamp.endsWith('193') ? 9 : 8);
    const counts = [];
    for (const timeStamp of order) {
      counts.push(await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1, { OpenQty: qtyAt(timeStamp) })], timeStamp })));
    }
    expect(await line(orderNbr, 1)).toMatchObject({ open_qty: '9', source_timestamp: '638465233453014193' });
    expect(counts.reduce((sum, c) => sum + c.stale, 0)).toBe(order[0].endsWith('193') ? 1 : 0);
  });

  it('never lets an older removal take away a newer line', async () => {
    const orderNbr = newOrderNbr();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t1 }));
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1, { OpenQty: 5 })], timeStamp: t2 }));
    expect(await bed.endWindows()).toMatchObject({ removals: 0 });
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null, open_qty: '5' });
  });

  it('stores quantities exactly as sent, never through a JS number, and logs them as decimal text', async () => {
    const orderNbr = newOrderNbr();
    // Written out as Acumatica sends it (a JS literal would be rounded before it is sent).
    const body = poBody({ inserted: [poRow(orderNbr, 1, { OrderQty: 0, OpenQty: '0.000001' })], timeStamp: nextTimeStamp() }).replace('"OrderQty":0', '"OrderQty":12345678901.123456');
    const { events } = await bed.apply('purchase-orders', body);
    expect(await line(orderNbr, 1)).toMatchObject({ order_qty: '12345678901.123456', open_qty: '0.000001' });
    expect(events[0]!.after).toMatchObject({ orderQty: '12345678901.123456', openQty: '0.000001' });
  });

  it('says where a moved order went and which warehouse it left, so followers of either see it', async () => {
    const orderNbr = newOrderNbr();
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: nextTimeStamp() }));
    const moved = await bed.apply(
      'purchase-orders',
      poBody({ deleted: [poRow(orderNbr, 1)], inserted: [poRow(orderNbr, 1, { Warehouse: 'EAST' })], timeStamp: nextTimeStamp() }),
    );
    expect(moved.events).toMatchObject([{ kind: 'update', warehouse: 'EAST', previousWarehouse: 'MAIN' }]);
    expect(matches({ warehouse: 'MAIN' }, moved.events[0]!)).toBe(true);
    expect(matches({ warehouse: 'EAST' }, moved.events[0]!)).toBe(true);
    expect(matches({ warehouse: 'WEST' }, moved.events[0]!)).toBe(false);
  });

  it('keeps a column that was not sent, and the columns it does not know, with the record', async () => {
    const orderNbr = newOrderNbr();
    await bed.apply(
      'purchase-orders',
      poBody({ inserted: [poRow(orderNbr, 1, { VendorName: 'Acme', LineDescription: 'Bricks', CustomField: 'x' })], timeStamp: nextTimeStamp() }),
    );
    const partial = poRow(orderNbr, 1, { OpenQty: 4 });
    delete partial.VendorID;
    await bed.apply('purchase-orders', poBody({ inserted: [partial], timeStamp: nextTimeStamp() }));
    expect(await order(orderNbr)).toMatchObject({ vendor_id: 'V000001', vendor_name: 'Acme' });
    expect(await line(orderNbr, 1)).toMatchObject({ line_description: 'Bricks', open_qty: '4', extra: { CustomField: 'x' } });
  });

  it('keeps a document without lines (LineNbr null) and keeps it when its first line arrives', async () => {
    const orderNbr = newOrderNbr();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    const headerOnly = poRow(orderNbr, null, { InventoryID: null, OrderQty: null, ReceivedQty: null, OpenQty: null });
    await bed.apply('purchase-orders', poBody({ inserted: [headerOnly], timeStamp: t1 }));
    expect(await order(orderNbr)).toMatchObject({ status: 'Open', removed_at: null });
    // The left join now yields the line instead of the header-only row.
    await bed.apply('purchase-orders', poBody({ deleted: [headerOnly], inserted: [poRow(orderNbr, 1)], timeStamp: t2 }));
    await bed.endWindows();
    expect(await order(orderNbr)).toMatchObject({ removed_at: null, source_timestamp: t2 });
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null });
    const lines = await bed.db.selectFrom('purchase_order_lines').select('line_nbr').where('order_nbr', '=', orderNbr).execute();
    expect(lines).toEqual([{ line_nbr: 1 }]);
  });

  it('applies a header-only row and a line of the same document sent together, each logged once', async () => {
    // One statement cannot upsert the document twice: this notification takes the transaction path.
    const orderNbr = newOrderNbr();
    const headerOnly = poRow(orderNbr, null, { InventoryID: null, OrderQty: null, ReceivedQty: null, OpenQty: null, Status: 'On Hold' });
    const body = poBody({ inserted: [headerOnly, poRow(orderNbr, 1, { Status: 'On Hold' })], timeStamp: nextTimeStamp() });
    const first = await bed.apply('purchase-orders', body);
    expect(first).toMatchObject({ applied: 2, stale: 0, duplicates: 0 });
    expect(first.events.map((event) => event.kind)).toEqual(['insert', 'insert']);
    expect(await bed.apply('purchase-orders', body)).toMatchObject({ applied: 0, duplicates: 1, events: [] });
    expect(await order(orderNbr)).toMatchObject({ status: 'On Hold', removed_at: null });
    expect(await line(orderNbr, 1)).toMatchObject({ removed_at: null });
  });

  it('logs only the rows a notification wrote, in the order it sent them', async () => {
    const orderNbr = newOrderNbr();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 2, { OpenQty: 7 })], timeStamp: t2 }));
    // Line 2 holds a newer change: of this older notification only lines 3 and 1 are written.
    const older = await bed.apply(
      'purchase-orders',
      poBody({ inserted: [poRow(orderNbr, 3), poRow(orderNbr, 2, { OpenQty: 1 }), poRow(orderNbr, 1)], timeStamp: t1 }),
    );
    expect(older).toMatchObject({ applied: 2, stale: 1 });
    expect(older.events.map((event) => event.rowKey)).toEqual([
      { orderType: 'Normal', orderNbr, lineNbr: 3 },
      { orderType: 'Normal', orderNbr, lineNbr: 1 },
    ]);
    expect(comparePositions(decodePosition(older.events[0]!.id)!, decodePosition(older.events[1]!.id)!)).toBe(-1);
    expect(await line(orderNbr, 2)).toMatchObject({ open_qty: '7', source_timestamp: t2 });
  });

  it('returns the changes it committed exactly as the feed reads them from the log', async () => {
    const orderNbr = newOrderNbr();
    const [t1, t2] = [nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2), poRow(orderNbr, 3)], timeStamp: t1 }));
    // One batch: two lines updated, one of them moved to another warehouse, and a third line
    // updated by the batch's second notification; each change with its before and after.
    const updated = await bed.applyBatch([
      accepted('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1), poRow(orderNbr, 2)], inserted: [poRow(orderNbr, 1, { OpenQty: 4.5 }), poRow(orderNbr, 2, { Warehouse: 'EAST' })], timeStamp: t2 })),
      accepted('purchase-orders', poBody({ deleted: [poRow(orderNbr, 3)], inserted: [poRow(orderNbr, 3, { ReceivedQty: 10, OpenQty: 0 })], timeStamp: nextTimeStamp() })),
    ]);
    expect(updated.events).toHaveLength(3);
    const ids = updated.events.map((event) => event.id);
    const logged = (await bed.changeLog()).filter((row) => ids.includes(toChangeEvent(row as unknown as LoggedChange).id));
    expect(updated.events).toEqual(logged.map((row) => toChangeEvent(row as unknown as LoggedChange)));
  });

  it('keeps a body it cannot read in the quarantine table instead of retrying it forever', async () => {
    // Accepted by a gateway whose mapping knew "PONumber"; this worker's default mapping does not.
    const body = poBody({ inserted: [{ OrderType: 'Normal', PONumber: 'PO1', LineNbr: 1 }], timeStamp: nextTimeStamp() });
    expect(await bed.apply('purchase-orders', body)).toMatchObject({ quarantined: 1, applied: 0 });
    const kept = await bed.db.selectFrom('quarantine').selectAll().where('topic', '=', 'purchase-orders').execute();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ reason: 'invalid-rows' });
    expect(kept[0].raw_body.toString()).toBe(body);
  });

  it('keeps a document removed when the Inserted half of an older transaction arrives after a newer removal', async () => {
    // Found by the simulator under faults: T1's halves split, its Deleted half's window ends (the
    // order goes), then T2 deletes the order, then T1's Inserted half finally arrives.
    const orderNbr = newOrderNbr();
    const id = randomUUID();
    const [t0, t1, t2] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1)], timeStamp: t0 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t1, id }));
    await bed.endWindows();
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1, { Status: 'Completed' })], timeStamp: t2 }));
    await bed.endWindows();
    expect(await order(orderNbr)).toMatchObject({ source_timestamp: t2 });

    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1, { Status: 'Completed' })], timeStamp: t1, id }));
    expect((await order(orderNbr))!.removed_at).not.toBeNull();
    expect((await line(orderNbr, 1))!.removed_at).not.toBeNull();
  });

  it('removes a document whose last line goes by an older removal that finishes after the newer ones', async () => {
    // Found by the simulator: line 2 deleted at T1 (its notification delivered late), the whole
    // order deleted at T2 (line 1); T2's window ends first, while line 2 is still live.
    const orderNbr = newOrderNbr();
    const [t0, t1, t2] = [nextTimeStamp(), nextTimeStamp(), nextTimeStamp()];
    await bed.apply('purchase-orders', poBody({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2)], timeStamp: t0 }));
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 1)], timeStamp: t2 }));
    await bed.endWindows();
    expect((await order(orderNbr))!.removed_at).toBeNull();
    await bed.apply('purchase-orders', poBody({ deleted: [poRow(orderNbr, 2)], timeStamp: t1 }));
    await bed.endWindows();
    const removed = await order(orderNbr);
    expect(removed).toMatchObject({ source_timestamp: t2 });
    expect(removed!.removed_at).toEqual(timeStampToDate(t2));
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
