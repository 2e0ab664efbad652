import { loadEnv } from '@wmsi/config';
import type { Row } from '@wmsi/contracts';
import { connectForBackgroundWork } from '@wmsi/queue';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParkingLot, deadlinesKey, type Claim, type ParkedRow, type ParkingLot } from './parking.js';

const itemRow = (inventoryId: string): Row => ({
  key: { inventoryId },
  values: { inventoryId, itemStatus: 'Active' },
  extra: {},
  rowKey: JSON.stringify([inventoryId]),
});

const parked = (inventoryId: string, timeStamp = '638465233453014192'): ParkedRow => ({
  topic: 'stock-items',
  query: 'WMS Stock Items',
  notificationId: `id-${inventoryId}`,
  timeStamp,
  row: itemRow(inventoryId),
  intakeId: '1-0',
  acceptedAt: '2026-11-26T12:00:00.000Z',
});

const claim = (inventoryId: string, claimant: string, timeStamp = '638465233453014192'): Claim => ({
  topic: 'stock-items',
  timeStamp,
  row: itemRow(inventoryId),
  claimant,
});

describe('the parking lot for lone Deleted rows (real Redis)', () => {
  let redis: Redis;
  let lot: ParkingLot;
  let quick: ParkingLot;
  const prefix = testPrefix();
  beforeAll(() => {
    redis = connectForBackgroundWork(loadEnv().REDIS_URL, ignoreConnectionErrors);
    lot = createParkingLot(redis, { prefix, windowMs: 10_000 });
    quick = createParkingLot(redis, { prefix: `${prefix}-quick`, windowMs: 50 });
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('keys parked rows under the {pairing} hash tag, by topic, TimeStamp and row key', () => {
    expect(lot.keyOf(parked('AACOMPUT01'))).toMatch(new RegExp(`^${prefix}:\\{pairing\\}:parked:stock-items:638465233453014192:[0-9a-f]{40}$`));
    expect(lot.keyOf(parked('AACOMPUT01', '638465233453014193'))).not.toBe(lot.keyOf(parked('AACOMPUT01')));
    expect(deadlinesKey(prefix, 'items')).toBe(`${prefix}:{pairing}:deadlines:items`);
  });

  it('gives each parked row one deadline, a window from now by Redis clock, however often it is parked again', async () => {
    const before = Number((await redis.time())[0]) * 1000;
    expect(await lot.park([parked('P1'), parked('P2')])).toBe(2);
    expect(await lot.park([parked('P1')])).toBe(0);
    const deadlines = await redis.zrange(deadlinesKey(prefix, 'items'), 0, -1, 'WITHSCORES');
    const mine = new Map<string, number>();
    for (let i = 0; i < deadlines.length; i += 2) mine.set(deadlines[i] as string, Number(deadlines[i + 1]));
    expect(mine.get(lot.keyOf(parked('P1')))! - before).toBeGreaterThanOrEqual(10_000);
    expect(mine.get(lot.keyOf(parked('P1')))! - before).toBeLessThan(12_000);
    expect(await lot.waiting('items')).toEqual(expect.arrayContaining([lot.keyOf(parked('P1')), lot.keyOf(parked('P2'))]));
  });

  it('gives a parked row to its Inserted half, again to the same claimant on a retry, and then never to a removal', async () => {
    await lot.park([parked('U1')]);
    const first = await lot.claimForUpdate([claim('U1', 'notification-1'), claim('NEVER', 'notification-1')]);
    expect([...first.keys()]).toEqual([lot.keyOf(parked('U1'))]);
    expect(first.get(lot.keyOf(parked('U1')))).toEqual(parked('U1'));
    expect((await lot.claimForUpdate([claim('U1', 'notification-1')])).size).toBe(1);
    expect((await lot.claimForUpdate([claim('U1', 'notification-2')])).size).toBe(0);
    expect(await lot.claimForRemoval(lot.keyOf(parked('U1')))).toBeUndefined();
  });

  it('does not pair an Inserted of another transaction (another TimeStamp) with a parked row', async () => {
    await lot.park([parked('T1')]);
    expect((await lot.claimForUpdate([claim('T1', 'notification-1', '638465233453014193')])).size).toBe(0);
  });

  it('takes only rows whose window ended, each claimed for its removal and leased, and skips rows an update claimed', async () => {
    await quick.park([parked('E1'), parked('E2'), parked('E3')]);
    expect(await quick.takeEnded('items', { limit: 10, leaseMs: 60_000 })).toEqual([]);
    await quick.claimForUpdate([claim('E2', 'notification-1')]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const taken = await quick.takeEnded('items', { limit: 10, leaseMs: 60_000 });
    expect(taken.map((ended) => ended.parked.row.key.inventoryId).sort()).toEqual(['E1', 'E3']);
    // Leased: another taker finds nothing until the lease runs out, and an update can no longer claim it.
    expect(await quick.takeEnded('items', { limit: 10, leaseMs: 60_000 })).toEqual([]);
    expect((await quick.claimForUpdate([claim('E1', 'notification-9')])).size).toBe(0);
    expect(await quick.waiting('items')).toEqual(expect.arrayContaining(taken.map((ended) => ended.key)));
    await quick.settle('items', taken.map((ended) => ended.key));
    expect(await quick.waiting('items')).toEqual([]);
  });

  it('gives an ended row to another taker once the first one died holding its lease', async () => {
    await quick.park([parked('L1')]);
    const first = await quick.takeEnded('items', { limit: 10, leaseMs: 30, everything: true });
    expect(first).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await quick.takeEnded('items', { limit: 10, leaseMs: 30 })).map((ended) => ended.key)).toEqual([first[0]!.key]);
    await quick.settle('items', [first[0]!.key]);
  });

  it('resolves each of 300 rows claimed by updates and removals at once as exactly one of the two', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => parked(`R${i}`));
    await lot.park(rows);
    const outcomes = await Promise.all(
      rows.flatMap((row, i) => [
        lot.claimForUpdate([claim(`R${i}`, `notification-${i}`)]).then((claimed) => (claimed.size === 1 ? 'update' : '')),
        lot.claimForRemoval(lot.keyOf(row)).then((claimed) => (claimed ? 'removal' : '')),
      ]),
    );
    for (let i = 0; i < rows.length; i++) {
      const [update, removal] = outcomes.slice(2 * i, 2 * i + 2);
      expect([update, removal].filter(Boolean)).toHaveLength(1);
    }
  });

  it('lets a settled row expire after the settled TTL, and leaves a waiting one alone', async () => {
    await lot.park([parked('S1'), parked('S2')]);
    await lot.claimForRemoval(lot.keyOf(parked('S1')));
    await lot.settle('items', [lot.keyOf(parked('S1')), lot.keyOf(parked('S2'))]);
    expect(await redis.pttl(lot.keyOf(parked('S1')))).toBeLessThanOrEqual(6 * 60 * 60 * 1000);
    expect(await redis.pttl(lot.keyOf(parked('S2')))).toBeGreaterThan(24 * 60 * 60 * 1000);
    expect(await lot.waiting('items')).toContain(lot.keyOf(parked('S2')));
    expect(await lot.waiting('items')).not.toContain(lot.keyOf(parked('S1')));
  });
});
