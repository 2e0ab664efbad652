import { readTopicStats } from '@wmsi/change-feed';
import { createChangesTestbed, startWorkerProcess, type ChangesTestbed, type WorkerProcess } from '@wmsi/changes/testing';
import { nextTimeStamp } from '@wmsi/contracts/testing';
import { receivingTables } from '@wmsi/receiving';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countProcessedNotifications, countRows, enqueue, poBody, poRow, waitFor, workerEnv } from './testing/helpers.js';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

const PAIRS = 1_000;
const WINDOW_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two worker processes racing over 1,000 split pairs around the window edge', () => {
  let bed: ChangesTestbed;
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables, windowMs: WINDOW_MS });
    workers = await Promise.all([startWorkerProcess(appRoot, workerEnv(bed)), startWorkerProcess(appRoot, workerEnv(bed))]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
    await bed?.cleanup();
  });

  it('ends every pair as exactly one update or one removal, and every line in its newest state', async () => {
    const orders = Array.from({ length: PAIRS }, (_, i) => `RACE-${i}-${randomUUID().slice(0, 6)}`);
    const setup = nextTimeStamp();
    const inserts = [];
    for (let i = 0; i < PAIRS; i += 100) inserts.push(poBody({ inserted: orders.slice(i, i + 100).map((o) => poRow(o)), timeStamp: setup }));
    await enqueue(bed, inserts);
    await waitFor(async () => (await countRows(bed, 'change_log')) === PAIRS, 30_000, 'the 1,000 lines');

    // Each pair: one transaction (Id, TimeStamp) whose halves arrive in separate requests, either
    // half first, the second from 0 to 2.5 windows after the first: inside, at and past the edge.
    const pairs = orders.map((orderNbr, i) => ({
      orderNbr,
      id: randomUUID(),
      timeStamp: nextTimeStamp(),
      openQty: i,
      deletedFirst: Math.random() < 0.7,
      gapMs: Math.floor(Math.random() * WINDOW_MS * 2.5),
      startMs: Math.floor(Math.random() * 2_000),
    }));
    const sends: Array<{ atMs: number; body: string }> = [];
    for (const pair of pairs) {
      const deleted = poBody({ deleted: [poRow(pair.orderNbr)], timeStamp: pair.timeStamp, id: pair.id });
      const inserted = poBody({ inserted: [poRow(pair.orderNbr, { OpenQty: pair.openQty })], timeStamp: pair.timeStamp, id: pair.id });
      const [first, second] = pair.deletedFirst ? [deleted, inserted] : [inserted, deleted];
      sends.push({ atMs: pair.startMs, body: first }, { atMs: pair.startMs + pair.gapMs, body: second });
    }
    sends.sort((a, b) => a.atMs - b.atMs);
    const began = Date.now();
    for (let i = 0; i < sends.length; ) {
      const due = Date.now() - began;
      const batch = [];
      while (i < sends.length && sends[i].atMs <= due) batch.push(sends[i++].body);
      if (batch.length > 0) await enqueue(bed, batch);
      else await sleep(Math.min(10, sends[i].atMs - due));
    }

    await waitFor(async () => (await countProcessedNotifications(bed)) === 10 + 2 * PAIRS, 60_000, 'every half processed').catch(
      async (error) => {
        const failed = await bed.queue.getFailed(0, 3);
        const counts = await bed.queue.getJobCounts();
        throw new Error(
          `${error.message}: ${await countProcessedNotifications(bed)} processed, jobs ${JSON.stringify(counts)}, ` +
            `failed: ${failed.map((job) => job.failedReason).join(' | ')}\n${workers.map((w) => w.output().slice(-2000)).join('\n')}`,
        );
      },
    );
    await waitFor(
      async () => (await bed.queue.getJobCountByTypes('active', 'wait', 'delayed')) === 0 && (await bed.pendingWindows()).length === 0,
      30_000,
      'every window ended',
    );

    // Every line holds its pair's new state.
    const lines = await bed.db.selectFrom('purchase_order_lines').select(['order_nbr', 'open_qty', 'source_timestamp', 'removed_at']).execute();
    const pairOf = new Map(pairs.map((pair) => [pair.orderNbr, pair]));
    expect(lines).toHaveLength(PAIRS);
    for (const line of lines) {
      const pair = pairOf.get(line.order_nbr)!;
      expect({ order: line.order_nbr, openQty: Number(line.open_qty), ts: line.source_timestamp, removed: line.removed_at }).toEqual({
        order: pair.orderNbr,
        openQty: pair.openQty,
        ts: pair.timeStamp,
        removed: null,
      });
    }

    // Per pair, the changes are one of three stories, never both an update and a removal.
    const log = await bed.db
      .selectFrom('change_log')
      .select(['kind', 'document_key'])
      .where('source_timestamp', '!=', setup)
      .where('level', '=', 'line')
      .orderBy('xid')
      .orderBy('seq')
      .execute();
    const stories = new Map<string, string[]>();
    for (const change of log) {
      const orderNbr = (change.document_key as { orderNbr: string }).orderNbr;
      stories.set(orderNbr, [...(stories.get(orderNbr) ?? []), change.kind]);
    }
    const tally = { update: 0, insertFirst: 0, removalThenInsert: 0 };
    for (const orderNbr of orders) {
      const story = (stories.get(orderNbr) ?? []).join(',');
      if (story === 'update') tally.update += 1;
      else if (story === 'insert') tally.insertFirst += 1;
      else if (story === 'removal,insert') tally.removalThenInsert += 1;
      else expect.fail(`${orderNbr}: ${story}`);
    }
    expect(tally.update + tally.insertFirst + tally.removalThenInsert).toBe(PAIRS);
    // Both sides of the edge really happened.
    expect(tally.update).toBeGreaterThan(0);
    expect(tally.removalThenInsert).toBeGreaterThan(0);

    // Every parked row was resolved exactly once, as an update or a removal.
    const parkedKeys = await bed.redis.keys(`${bed.prefix}:{pairing}:parked:*`);
    const resolutions = await Promise.all(parkedKeys.map((key) => bed.redis.hget(key, 'resolution')));
    const stats = await readTopicStats(bed.redis, bed.prefix, 'purchase-orders');
    expect(resolutions.filter((r) => r !== 'update' && r !== 'removal')).toEqual([]);
    expect(parkedKeys).toHaveLength(stats.parked);
    expect(resolutions.filter((r) => r === 'update')).toHaveLength(tally.update);
    expect(stats.pairsAcrossNotifications).toBe(tally.update);
    expect(stats.removals).toBe(tally.removalThenInsert);
    console.info(`race: ${JSON.stringify({ ...tally, parked: stats.parked, staleRemovals: stats.parked - tally.update - tally.removalThenInsert })}`);
  }, 120_000);
});
