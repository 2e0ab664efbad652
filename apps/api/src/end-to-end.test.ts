import type { ChangeEvent } from '@wmsi/change-feed';
import { startDomainWorker, type DomainWorker } from '@wmsi/changes';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { createWmsClient, type WmsClient } from '@wmsi/client';
import { loadEnv } from '@wmsi/config';
import { notificationBody, nextTimeStamp } from '@wmsi/contracts/testing';
import { issueApiKey } from '@wmsi/intake';
import { intakeKeys } from '@wmsi/queue';
import { receivingTables } from '@wmsi/receiving';
import { issueToken } from '@wmsi/trpc';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';
import { startGatewayProcess } from './testing/gateway-process.js';

type Fields = Record<string, unknown>;
const poRow = (orderNbr: string, lineNbr: number, fields: Fields = {}): Fields => ({
  OrderType: 'Normal', OrderNbr: `${orderNbr} `, Status: 'Open', VendorID: 'V000001', Warehouse: 'MAIN ',
  LineNbr: lineNbr, InventoryID: 'AALEGO500', OrderQty: 10, ReceivedQty: 0, OpenQty: 10, ...fields,
});
const poBody = (fields: { inserted?: Fields[]; deleted?: Fields[]; timeStamp?: string }) =>
  notificationBody({ query: 'WMS Purchase Orders', timeStamp: nextTimeStamp(), ...fields });

/** Collects what a subscription delivers, and waits for a number of events. */
function follow(client: WmsClient, input: { topics?: ['purchase-orders']; lastEventId?: string } = { topics: ['purchase-orders'] }) {
  const events: ChangeEvent[] = [];
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const subscription = client.sync.changes.subscribe(input, {
    onStarted: () => started(),
    onData: (tracked) => events.push(tracked.data as ChangeEvent),
  });
  return {
    events,
    ready,
    stop: () => subscription.unsubscribe(),
    waitFor: async (count: number) => {
      const deadline = Date.now() + 10_000;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`got ${events.length} of ${count} events`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return events;
    },
  };
}

describe('end to end over HTTP: Acumatica posts, a handheld follows the change stream and reads', () => {
  let bed: ChangesTestbed;
  let gateway: Awaited<ReturnType<typeof startGatewayProcess>>;
  let worker: DomainWorker;
  let api: TestApi;
  let key: string;
  let handheld: WmsClient;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables, windowMs: 300 });
    key = (await issueApiKey({ db: bed.db, redis: bed.redis, keys: intakeKeys(bed.prefix) }, 'purchase-orders')).key;
    gateway = await startGatewayProcess({ databaseUrl: bed.databaseUrl, prefix: bed.prefix });
    worker = await startDomainWorker({
      domain: 'receiving',
      env: { ...loadEnv({ DATABASE_URL: bed.databaseUrl, REDIS_PREFIX: bed.prefix, PAIRING_WINDOW_MS: '300' }), REDIS_URL: loadEnv().REDIS_URL },
      logger: pino({ level: 'silent' }),
    });
    api = await startTestApi(bed);
    handheld = createWmsClient({ url: api.url, token: (await issueToken(bed.db, 'handheld', 'Scanner 1')).token });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await gateway?.stop();
    await bed?.cleanup();
  });

  it('delivers each applied change to a subscribed handheld, which then reads and receives against it', async () => {
    const orderNbr = `PO-${randomUUID().slice(0, 8)}`;
    const stream = follow(handheld);
    await stream.ready;

    const reply = await gateway.post('purchase-orders', key, poBody({ inserted: [poRow(orderNbr, 1), poRow(orderNbr, 2)] }));
    expect(reply.status).toBe(202);
    const [first, second] = await stream.waitFor(2);
    expect([first, second].map((e) => `${e.kind}:${e.rowKey.lineNbr}`).sort()).toEqual(['insert:1', 'insert:2']);
    expect(first).toMatchObject({ topic: 'purchase-orders', warehouse: 'MAIN', documentKey: { orderType: 'Normal', orderNbr } });

    const po = await handheld.receiving.purchaseOrder.query({ orderType: 'Normal', orderNbr });
    expect(po?.lines.map((line) => line.openToReceive)).toEqual(['10', '10']);
    const receipt = await handheld.receiving.receive.mutate({ orderType: 'Normal', orderNbr, lineNbr: 1, qty: 4 });
    expect(receipt.openToReceive).toBe('6');

    // The ERP cuts line 2's ordered quantity: the change arrives on the stream and in the query.
    await gateway.post('purchase-orders', key, poBody({ deleted: [poRow(orderNbr, 2)], inserted: [poRow(orderNbr, 2, { OrderQty: 3, OpenQty: 3 })] }));
    const [, , cut] = await stream.waitFor(3);
    expect(cut).toMatchObject({ kind: 'update', before: { orderQty: '10' }, after: { orderQty: '3' } });
    const after = await handheld.receiving.purchaseOrder.query({ orderType: 'Normal', orderNbr });
    expect(after?.lines[1]).toMatchObject({ orderQty: '3', openToReceive: '3' });
    stream.stop();
  });

  it('gives a client that reconnects with its last event id what it missed, then goes on live', async () => {
    const orderNbr = `PO-${randomUUID().slice(0, 8)}`;
    const before = follow(handheld);
    await before.ready;
    await gateway.post('purchase-orders', key, poBody({ inserted: [poRow(orderNbr, 1)] }));
    const [seen] = await before.waitFor(1);
    before.stop();

    await gateway.post('purchase-orders', key, poBody({ inserted: [poRow(orderNbr, 2)] }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const resumed = follow(handheld, { topics: ['purchase-orders'], lastEventId: seen.id });
    await resumed.ready;
    await gateway.post('purchase-orders', key, poBody({ inserted: [poRow(orderNbr, 3)] }));
    const events = await resumed.waitFor(2);
    expect(events.map((e) => e.rowKey.lineNbr)).toEqual([2, 3]);
    resumed.stop();
  });
});
