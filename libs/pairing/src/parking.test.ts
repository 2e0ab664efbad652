import { loadEnv } from '@wmsi/config';
import type { Row } from '@wmsi/contracts';
import { connectForBackgroundWork, queueName, WINDOW_ENDED_JOB, type DomainJobData } from '@wmsi/queue';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParkingLot, type ParkedRow, type ParkingLot } from './parking.js';

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

describe('the parking lot for lone Deleted rows (real Redis)', () => {
  let redis: Redis;
  let timers: Queue<DomainJobData>;
  let lot: ParkingLot;
  const prefix = testPrefix();
  beforeAll(() => {
    redis = connectForBackgroundWork(loadEnv().REDIS_URL, ignoreConnectionErrors);
    timers = new Queue<DomainJobData>(queueName('items'), { connection: redis, prefix });
    lot = createParkingLot(redis, { prefix, windowMs: 10_000 });
  });
  afterAll(async () => {
    await timers.obliterate({ force: true });
    await timers.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('keys parked rows under the {pairing} hash tag, by topic, TimeStamp and row key', () => {
    expect(lot.keyOf(parked('AACOMPUT01'))).toMatch(new RegExp(`^${prefix}:\\{pairing\\}:parked:stock-items:638465233453014192:[0-9a-f]{40}$`));
    expect(lot.keyOf(parked('AACOMPUT01', '638465233453014193'))).not.toBe(lot.keyOf(parked('AACOMPUT01')));
  });

  it('starts one durable timer per parked row, however often the row is parked again', async () => {
    await lot.park([parked('P1'), parked('P2')], timers);
    await lot.park([parked('P1')], timers);
    const delayed = await timers.getDelayed();
    const mine = delayed.filter((job) => 'parkedKey' in job.data && [lot.keyOf(parked('P1')), lot.keyOf(parked('P2'))].includes(job.data.parkedKey));
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ name: WINDOW_ENDED_JOB, delay: 10_000, opts: { attempts: 10 } });
  });

  it('gives a parked row to its Inserted half, again to the same claimant on a retry, and then never to a removal', async () => {
    await lot.park([parked('U1')], timers);
    const first = await lot.claimForUpdate('stock-items', '638465233453014192', [itemRow('U1'), itemRow('NEVER')], 'intake-1');
    expect([...first.keys()]).toEqual([JSON.stringify(['U1'])]);
    expect(first.get(JSON.stringify(['U1']))).toEqual(parked('U1'));
    expect((await lot.claimForUpdate('stock-items', '638465233453014192', [itemRow('U1')], 'intake-1')).size).toBe(1);
    expect((await lot.claimForUpdate('stock-items', '638465233453014192', [itemRow('U1')], 'intake-2')).size).toBe(0);
    expect(await lot.claimForRemoval(lot.keyOf(parked('U1')))).toBeUndefined();
  });

  it('does not pair an Inserted of another transaction (another TimeStamp) with a parked row', async () => {
    await lot.park([parked('T1')], timers);
    expect((await lot.claimForUpdate('stock-items', '638465233453014193', [itemRow('T1')], 'intake-1')).size).toBe(0);
  });

  it('resolves each of 300 rows claimed by updates and removals at once as exactly one of the two', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => parked(`R${i}`));
    await lot.park(rows, timers);
    const outcomes = await Promise.all(
      rows.flatMap((row, i) => [
        lot.claimForUpdate('stock-items', row.timeStamp, [row.row], `intake-${i}`).then((claimed) => (claimed.size === 1 ? 'update' : '')),
        lot.claimForRemoval(lot.keyOf(row)).then((claimed) => (claimed ? 'removal' : '')),
      ]),
    );
    for (let i = 0; i < rows.length; i++) {
      const [update, removal] = outcomes.slice(2 * i, 2 * i + 2);
      expect([update, removal].filter(Boolean)).toHaveLength(1);
    }
  });

  it('lets a settled row expire after the settled TTL, and leaves a waiting one alone', async () => {
    await lot.park([parked('S1'), parked('S2')], timers);
    await lot.claimForRemoval(lot.keyOf(parked('S1')));
    await lot.settle([lot.keyOf(parked('S1')), lot.keyOf(parked('S2'))]);
    expect(await redis.pttl(lot.keyOf(parked('S1')))).toBeLessThanOrEqual(6 * 60 * 60 * 1000);
    expect(await redis.pttl(lot.keyOf(parked('S2')))).toBeGreaterThan(24 * 60 * 60 * 1000);
  });
});
