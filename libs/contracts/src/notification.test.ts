import { describe, expect, it } from 'vitest';
import { compareTimeStamps, createNotificationChecker, createNotificationReader, type Notification, type ParseOutcome } from './notification.js';
import { notificationBody, purchaseOrderBody } from './testing/index.js';

const read = createNotificationReader();

function notificationOf(outcome: ParseOutcome): Notification {
  if (!outcome.ok) throw new Error(`expected a notification, got ${outcome.status}: ${outcome.message}`);
  return outcome.notification;
}

function refusalOf(outcome: ParseOutcome) {
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome;
}

const poLine = (lineNbr: number | null, extra: Record<string, unknown> = {}) => ({
  OrderType: 'Normal',
  OrderNbr: 'PO000123',
  Status: 'Open',
  LineNbr: lineNbr,
  InventoryID: 'AALEGO500',
  OrderQty: 12.5,
  ...extra,
});

const poBody = (inserted: unknown[], deleted: unknown[] = []) =>
  notificationBody({ query: 'WMS Purchase Orders', inserted: inserted as never[], deleted: deleted as never[], timeStamp: '638465233453014192' });

describe('reading a push notification', () => {
  it('keeps two TimeStamps one tick apart distinct and in order', () => {
    const older = notificationOf(read('purchase-orders', notificationBody({ query: 'q', timeStamp: '638465233453014192' })));
    const newer = notificationOf(read('purchase-orders', notificationBody({ query: 'q', timeStamp: '638465233453014193' })));
    expect(older.timeStamp).toBe('638465233453014192');
    expect(newer.timeStamp).toBe('638465233453014193');
    expect(compareTimeStamps(older.timeStamp, newer.timeStamp)).toBe(-1);
    expect(compareTimeStamps(newer.timeStamp, older.timeStamp)).toBe(1);
  });

  it('round-trips a generated 5-line purchase order', () => {
    const notification = notificationOf(
      read('purchase-orders', purchaseOrderBody({ orderNbr: 'PO004711', lines: 5, timeStamp: '638465233453014192', id: 'tx-1' })),
    );
    expect(notification).toMatchObject({ query: 'WMS Purchase Orders', id: 'tx-1', timeStamp: '638465233453014192', deleted: [] });
    expect(notification.inserted.map((row) => row.rowKey)).toEqual(
      [1, 2, 3, 4, 5].map((lineNbr) => JSON.stringify(['Normal', 'PO004711', lineNbr])),
    );
    const sent = JSON.parse(purchaseOrderBody({ orderNbr: 'PO004711', lines: 5 })).Inserted;
    expect(notification.inserted.map((row) => [row.values.inventoryId, row.values.orderQty, row.values.openQty])).toEqual(
      sent.map((line: Record<string, unknown>) => [line.InventoryID, String(line.OrderQty), String(line.OpenQty)]),
    );
    expect(notification.inserted[0]).toEqual({
      key: { orderType: 'Normal', orderNbr: 'PO004711', lineNbr: 1 },
      values: {
        orderType: 'Normal',
        orderNbr: 'PO004711',
        status: 'Open',
        vendorId: 'V000001',
        vendorName: 'Acme Supplies Ltd.',
        date: '2024-05-05T00:00:00',
        promisedOn: '2024-05-12T00:00:00',
        warehouse: 'MAIN',
        lineNbr: 1,
        inventoryId: 'AALEGO500',
        lineDescription: 'Lego 500 piece set',
        uom: 'EA',
        orderQty: '8.5',
        receivedQty: '1',
        openQty: '7.5',
        lineCompleted: false,
        lineCanceled: false,
        lastModifiedDateTime: '2024-05-06T09:30:12.47',
      },
      extra: {},
      rowKey: '["Normal","PO004711",1]',
    });
  });

  it('trims column names and key values, so both halves of an update share one row key', () => {
    const body = purchaseOrderBody({ orderNbr: 'PO000777', lines: 3, deletedLines: 3, trailingSpaces: true });
    expect(body).toContain('"OrderNbr ":"PO000777 "');
    expect(body).toContain('"OrderNbr":"PO000777  "');
    const notification = notificationOf(read('purchase-orders', body));
    expect(notification.inserted.map((row) => row.rowKey)).toEqual(notification.deleted.map((row) => row.rowKey));
    expect(notification.inserted[0].key).toEqual({ orderType: 'Normal', orderNbr: 'PO000777', lineNbr: 1 });
    expect(notification.inserted[0].values).toMatchObject({ warehouse: 'MAIN', inventoryId: 'AALEGO500', uom: 'EA' });
    expect(notification.inserted[0].extra).toEqual({});
  });

  it('keeps text as sent and labels trimmed', () => {
    const row = notificationOf(read('purchase-orders', poBody([poLine(1, { LineDescription: '  Lego, boxed ', Status: 'On Hold ' })])))
      .inserted[0];
    expect(row.values).toMatchObject({ lineDescription: '  Lego, boxed ', status: 'On Hold' });
  });

  it('leaves a column that was not sent absent, and keeps a null as null', () => {
    const row = notificationOf(read('purchase-orders', poBody([poLine(1, { Warehouse: null })]))).inserted[0];
    expect(row.values).toHaveProperty('warehouse', null);
    expect(row.values).not.toHaveProperty('vendorId');
    expect(row.values).not.toHaveProperty('receivedQty');
  });

  it('keeps columns the contract does not know, under their caption, as sent', () => {
    const row = notificationOf(
      read('purchase-orders', poBody([poLine(1, { 'ProjectID ': 'X ', Attributes: { Color: 'red' }, __proto__: 1 })])),
    ).inserted[0];
    expect(row.extra).toEqual({ ProjectID: 'X ', Attributes: { Color: 'red' } });
    const raw = read('purchase-orders', poBody([]).replace('"Inserted":[]', '"Inserted":[{"OrderType":"Normal","OrderNbr":"1","LineNbr":1,"__proto__":{"polluted":true}}]'));
    const extra = notificationOf(raw).inserted[0].extra;
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(extra, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('reads rows whose columns differ from row to row', () => {
    const rows = Array.from({ length: 20 }, (_, i) => poLine(i + 1, { [`Attribute${i}`]: i, ...(i % 2 === 0 ? { Warehouse: 'MAIN' } : {}) }));
    const inserted = notificationOf(read('purchase-orders', poBody(rows))).inserted;
    inserted.forEach((row, i) => {
      expect(row.extra).toEqual({ [`Attribute${i}`]: i });
      expect(row.values.warehouse).toBe(i % 2 === 0 ? 'MAIN' : undefined);
      expect(row.key.lineNbr).toBe(i + 1);
    });
  });

  it('accepts numbers in identifier columns as their exact decimal string', () => {
    const body = poBody([]).replace('"Inserted":[]', '"Inserted":[{"OrderType":"Normal","OrderNbr":12345678901234567890,"LineNbr":"2","InventoryID":4711}]');
    const row = notificationOf(read('purchase-orders', body)).inserted[0];
    expect(row.key).toEqual({ orderType: 'Normal', orderNbr: '12345678901234567890', lineNbr: 2 });
    expect(row.values.inventoryId).toBe('4711');
  });

  it('accepts a header-only row whose LineNbr is null', () => {
    const row = notificationOf(read('purchase-orders', poBody([{ OrderType: 'Normal', OrderNbr: 'PO000123 ', Status: 'Open', LineNbr: null }])))
      .inserted[0];
    expect(row.key).toEqual({ orderType: 'Normal', orderNbr: 'PO000123', lineNbr: null });
    expect(row.rowKey).toBe('["Normal","PO000123",null]');
  });

  it('accepts a notification with nothing to do', () => {
    expect(notificationOf(read('stock-items', notificationBody({ query: 'WMS Stock Items' })))).toMatchObject({
      inserted: [],
      deleted: [],
    });
    const bare = notificationOf(read('stock-items', '{"Query":"WMS Stock Items","Id":"x","TimeStamp":636295833829493672}'));
    expect(bare).toMatchObject({ inserted: [], deleted: [], additionalInfo: {}, companyId: null });
  });

  it('tolerates unknown top-level elements and trailing spaces in element names', () => {
    const body = '{"QueryId":"c0ffee","Query ":"WMS Stock Items","Id":"x","TimeStamp  ":638465233453014193,"Inserted ":[{"InventoryID":"AA"}],"Future":{"a":[1]}}';
    const notification = notificationOf(read('stock-items', body));
    expect(notification).toMatchObject({ query: 'WMS Stock Items', timeStamp: '638465233453014193' });
    expect(notification.inserted.map((row) => row.key)).toEqual([{ inventoryId: 'AA' }]);
  });

  it('reads the TimeStamp when Acumatica sends it as a digit string', () => {
    const body = '{"Query":"q","Id":"x","TimeStamp":"638465233453014192"}';
    expect(notificationOf(read('stock-items', body)).timeStamp).toBe('638465233453014192');
  });
});

describe('column mapping when reading', () => {
  it('reads a field under the caption a customer configured', () => {
    const reader = createNotificationReader({ 'stock-items': { inventoryId: 'InventoryCD', itemStatus: ['Status', 'State'] } });
    const body = notificationBody({ query: 'q', inserted: [{ 'InventoryCD ': ' AA01 ', State: 'Active' }] });
    const row = notificationOf(reader('stock-items', body)).inserted[0];
    expect(row.key).toEqual({ inventoryId: 'AA01' });
    expect(row.values).toEqual({ inventoryId: 'AA01', itemStatus: 'Active' });
    expect(refusalOf(read('stock-items', body)).issues[0].path).toBe('Inserted[0].InventoryID');
  });

  it('tries the customer caption before the default, keeping the other under extra', () => {
    const reader = createNotificationReader({ 'stock-items': { lastModifiedDateTime: 'ChangedOn' } });
    const body = notificationBody({
      query: 'q',
      inserted: [{ InventoryID: 'AA', LastModifiedDateTime: '2024-01-01T00:00:00', ChangedOn: '2024-05-05T15:16:23.1' }],
    });
    const row = notificationOf(reader('stock-items', body)).inserted[0];
    expect(row.values.lastModifiedDateTime).toBe('2024-05-05T15:16:23.1');
    expect(row.extra).toEqual({ LastModifiedDateTime: '2024-01-01T00:00:00' });
  });

  it('gives a default caption to the field the customer mapped it to', () => {
    const reader = createNotificationReader({ 'stock-items': { description: 'ItemClass' } });
    const body = notificationBody({ query: 'q', inserted: [{ InventoryID: 'AA', ItemClass: 'Blue chair' }] });
    expect(notificationOf(reader('stock-items', body)).inserted[0].values).toEqual({ inventoryId: 'AA', description: 'Blue chair' });
  });
});

describe('refusing a notification', () => {
  it('answers 400 to truncated JSON, with where it broke', () => {
    const body = purchaseOrderBody({ lines: 2 });
    const refusal = refusalOf(read('purchase-orders', body.slice(0, 200)));
    expect(refusal).toMatchObject({ status: 400, reason: 'unparseable-json' });
    expect(refusal.message).toMatch(/^The body is not valid JSON: .*position 200/);
  });

  it('answers 400 to an empty body and to JSON that is not an object', () => {
    expect(refusalOf(read('stock-items', ''))).toMatchObject({ status: 400, reason: 'unparseable-json', message: 'The body is not valid JSON: the body is empty.' });
    for (const body of ['[]', '"x"', '638465233453014192', 'null']) {
      const refusal = refusalOf(read('stock-items', body));
      expect(refusal, body).toMatchObject({ status: 400, reason: 'unparseable-json' });
      expect(refusal.message).toContain('must be one JSON object');
    }
  });

  it('answers 400 to 2,000-deep nesting without crashing', () => {
    const body = `{"Query":"q","Id":"x","TimeStamp":1,"AdditionalInfo":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`;
    const refusal = refusalOf(read('stock-items', body));
    expect(refusal).toMatchObject({ status: 400, reason: 'unparseable-json' });
    expect(refusal.message).toContain('nested deeper than 64 levels');
  });

  it('answers 422 to a notification without Id', () => {
    const refusal = refusalOf(read('stock-items', '{"Query":"WMS Stock Items","TimeStamp":638465233453014192,"Inserted":[]}'));
    expect(refusal).toMatchObject({ status: 422, reason: 'invalid-envelope' });
    expect(refusal.issues).toEqual([{ path: 'Id', message: 'Id is missing (the GUID of the ERP transaction)' }]);
    expect(refusal.message).toBe('The notification envelope is invalid: Id is missing (the GUID of the ERP transaction).');
  });

  it('answers 422 to a TimeStamp that is not a 64-bit count of ticks', () => {
    for (const timeStamp of ['-638465233453014192', '638465233453014192.5', '"6384652334530141x2"', '9223372036854775808', '"  "', 'null']) {
      const refusal = refusalOf(read('stock-items', `{"Query":"q","Id":"x","TimeStamp":${timeStamp}}`));
      expect(refusal, timeStamp).toMatchObject({ status: 422, reason: 'invalid-envelope' });
      expect(refusal.issues.map((issue) => issue.path)).toEqual(['TimeStamp']);
    }
  });

  it('answers 422 to an envelope whose parts have the wrong shape, naming each', () => {
    const refusal = refusalOf(read('stock-items', '{"Query":"","Id":"x","TimeStamp":1,"Inserted":{},"AdditionalInfo":"none"}'));
    expect(refusal.issues.map((issue) => issue.path)).toEqual(['Query', 'Inserted', 'AdditionalInfo']);
    expect(refusal.message).toContain('Inserted must be a list of rows, got an object');
  });

  it('answers 422 to a row without a key column, naming the row and the caption', () => {
    const rows = [poLine(1), poLine(2), poLine(3), { ...poLine(4), OrderNbr: undefined }];
    const refusal = refusalOf(read('purchase-orders', poBody(rows)));
    expect(refusal).toMatchObject({ status: 422, reason: 'invalid-rows' });
    expect(refusal.issues).toHaveLength(1);
    expect(refusal.issues[0].path).toBe('Inserted[3].OrderNbr');
    expect(refusal.issues[0].message).toMatch(/^key column missing: the inquiry must send "OrderNbr" or "POOrder_orderNbr"/);
    expect(refusal.message).toMatch(
      /^One row value does not match the WMS Purchase Orders column contract: Inserted\[3\]\.OrderNbr: key column missing/,
    );
  });

  it('answers 422 to a row without LineNbr at all', () => {
    const { LineNbr: _, ...headerOnly } = poLine(null);
    const refusal = refusalOf(read('purchase-orders', poBody([], [headerOnly])));
    expect(refusal.issues.map((issue) => issue.path)).toEqual(['Deleted[0].LineNbr']);
  });

  it('answers 422 to an empty or null key value', () => {
    const refusal = refusalOf(read('purchase-orders', poBody([poLine(1, { OrderNbr: '   ' }), poLine(2, { OrderType: null })])));
    expect(refusal.issues).toEqual([
      { path: 'Inserted[0].OrderNbr', message: 'key column is empty' },
      { path: 'Inserted[1].OrderType', message: 'key column is empty' },
    ]);
  });

  it('answers 422 to values of the wrong kind, saying what was expected', () => {
    const rows = [poLine(1, { OrderQty: 'twelve', LineCompleted: 'yes', PromisedOn: 'next week', LineNbr: 1.5, OrderType: 7 })];
    const refusal = refusalOf(read('purchase-orders', poBody(rows)));
    expect(refusal.issues).toEqual([
      { path: 'Inserted[0].OrderType', message: 'expected a label (text), got 7' },
      { path: 'Inserted[0].PromisedOn', message: 'expected an ISO-8601 date, e.g. "2024-05-05T15:16:23.1", got "next week"' },
      { path: 'Inserted[0].LineNbr', message: 'expected a whole number from -2147483648 to 2147483647, got 1.5' },
      { path: 'Inserted[0].OrderQty', message: 'expected a number below 10^30, got "twelve"' },
      { path: 'Inserted[0].LineCompleted', message: 'expected true or false, got "yes"' },
    ]);
    expect(refusal.message).toMatch(/^5 row values do not match/);
  });

  it('reports a bad value repeated on every line once per line', () => {
    const refusal = refusalOf(read('purchase-orders', poBody([poLine(1, { Date: 'today' }), poLine(2, { Date: 'today' })])));
    expect(refusal.issues.map((issue) => issue.path)).toEqual(['Inserted[0].Date', 'Inserted[1].Date']);
  });

  it('accepts numeric text for numbers, and dates with an offset', () => {
    const row = notificationOf(
      read('purchase-orders', poBody([poLine(1, { OrderQty: ' 12.50 ', LineCompleted: 'TRUE', Date: '2024-05-05T15:16:23.1+02:00' })])),
    ).inserted[0];
    expect(row.values).toMatchObject({ orderQty: '12.50', lineCompleted: true, date: '2024-05-05T15:16:23.1+02:00' });
  });

  it('answers 422 to a row that is not an object', () => {
    const refusal = refusalOf(read('purchase-orders', poBody([poLine(1), 'PO000123', null])));
    expect(refusal.issues).toEqual([
      { path: 'Inserted[1]', message: 'a row must be an object of caption: value, got "PO000123"' },
      { path: 'Inserted[2]', message: 'a row must be an object of caption: value, got null' },
    ]);
  });

  it('keeps the reply bounded when thousands of rows are bad', () => {
    const refusal = refusalOf(read('purchase-orders', poBody(Array.from({ length: 5000 }, () => ({ Status: 'Open' })))));
    expect(refusal.issues).toHaveLength(100);
    expect(refusal.message).toMatch(/^15000 row values do not match .* \(and 14995 more\)\. Fix the inquiry/);
  });

  it('refuses what PostgreSQL could not store in a key, Query or Id: NUL, lone surrogates, a huge line number, an endless Id', () => {
    const check = createNotificationChecker();
    const refusals = [
      poBody([poLine(1, { OrderNbr: 'PO\u0000123' })]),
      poBody([poLine(1, { OrderNbr: 'PO\ud800' })]),
      poBody([poLine(3_000_000_000)]),
      poBody([poLine(1, { OrderNbr: 'P'.repeat(129) })]),
      poBody([poLine(1, { OrderQty: '1e400' })]),
      notificationBody({ query: 'WMS Purchase Orders', id: 'x'.repeat(3000), inserted: [poLine(1)] as never[] }),
      notificationBody({ query: 'WMS\u0000Purchase Orders', inserted: [poLine(1)] as never[] }),
    ].map((body) => {
      const outcome = check('purchase-orders', body);
      expect(outcome.ok).toBe(false);
      // The gateway's check and the workers' reader refuse the same bodies.
      expect(read('purchase-orders', body).ok).toBe(false);
      return outcome.ok ? '' : `${outcome.status} ${outcome.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
    });
    expect(refusals).toEqual([
      '422 Inserted[0].OrderNbr: a key value cannot hold NUL or an unpaired surrogate (PostgreSQL cannot store them)',
      '422 Inserted[0].OrderNbr: a key value cannot hold NUL or an unpaired surrogate (PostgreSQL cannot store them)',
      '422 Inserted[0].LineNbr: expected a whole number from -2147483648 to 2147483647, got 3000000000',
      '422 Inserted[0].OrderNbr: a key value is at most 128 characters, got 129',
      '422 Inserted[0].OrderQty: expected a number below 10^30, got "1e400"',
      '422 Id: Id is longer than 128 characters (the GUID of the ERP transaction)',
      '422 Query: Query holds NUL or an unpaired surrogate, which PostgreSQL cannot store',
    ]);
  });

  it('stores NUL and lone surrogates outside keys as U+FFFD, in known and unknown columns alike', () => {
    const body = poBody([poLine(1, { LineDescription: 'Lego\u0000set \udc00', 'Note\u0000': { deep: ['a\ud800b'] } })]);
    const [row] = notificationOf(read('purchase-orders', body)).inserted;
    expect(row.values.lineDescription).toBe('Lego\uFFFDset \uFFFD');
    expect(row.extra).toEqual({ 'Note\uFFFD': { deep: ['a\uFFFDb'] } });
    expect(createNotificationChecker()('purchase-orders', body).ok).toBe(true);
  });

  it('keeps quantities exact as decimal text, however many digits', () => {
    // Written out as Acumatica sends it: a JS number literal here would be rounded before it is sent.
    const body = poBody([poLine(1, { OrderQty: 0, OpenQty: '1E+3', ReceivedQty: 0.5 })]).replace('"OrderQty":0', '"OrderQty":12345678901.123456');
    const [row] = notificationOf(read('purchase-orders', body)).inserted;
    expect(row.values).toMatchObject({ orderQty: '12345678901.123456', openQty: '1000', receivedQty: '0.5' });
  });
});
