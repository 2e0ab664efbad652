import { createChangesTestbed, startWorkerProcess, type ChangesTestbed, type WorkerProcess } from '@wmsi/changes/testing';
import { nextTimeStamp } from '@wmsi/contracts/testing';
import { receivingTables } from '@wmsi/receiving';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { countProcessedNotifications, countRows, enqueue, poBody, poRow, waitFor, workerEnv } from './testing/helpers.js';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

const LINES = 10;

describe('a worker process killed with SIGKILL', () => {
  let bed: ChangesTestbed;
  const workers: WorkerProcess[] = [];
  const start = async () => {
    const worker = await startWorkerProcess(appRoot, workerEnv(bed));
    workers.push(worker);
    return worker;
  };
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill('SIGKILL')));
    await bed?.cleanup();
  });

  describe('in the middle of its batches', () => {
    it('leaves, after a restart, exactly the data sent: nothing lost, nothing applied twice', async () => {
      bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables, windowMs: 300 });
      const orders = Array.from({ length: 300 }, (_, i) => `KILL-${i}-${randomUUID().slice(0, 6)}`);
      const bodies = orders.map((orderNbr, i) =>
        poBody({
          inserted: Array.from({ length: LINES }, (_, l) => poRow(orderNbr, { LineNbr: l + 1, OpenQty: i + l })),
          timeStamp: nextTimeStamp(),
        }),
      );
      await enqueue(bed, bodies, 10);

      const first = await start();
      await waitFor(async () => (await countProcessedNotifications(bed)) >= 40, 30_000, '40 notifications processed');
      await first.kill('SIGKILL');
      const atKill = await countProcessedNotifications(bed);
      expect(atKill).toBeLessThan(300);

      await start();
      await waitFor(async () => (await countProcessedNotifications(bed)) === 300, 60_000, 'all 300 notifications');
      // Anything still to come would show up here: wait for the queue to drain completely.
      await waitFor(async () => (await bed.queue.getJobCountByTypes('active', 'wait', 'delayed')) === 0, 10_000, 'an empty queue');

      expect(await countRows(bed, 'change_log')).toBe(300 * LINES);
      const lines = await bed.db.selectFrom('purchase_order_lines').select(['order_nbr', 'line_nbr', 'open_qty']).execute();
      expect(lines).toHaveLength(300 * LINES);
      const byOrder = new Map(orders.map((orderNbr, i) => [orderNbr, i]));
      for (const line of lines) expect(Number(line.open_qty)).toBe(byOrder.get(line.order_nbr)! + line.line_nbr - 1);
      expect(await bed.queue.getFailedCount()).toBe(0);
    }, 120_000);
  });

  describe('while Deleted rows wait in their window', () => {
    it('resolves every parked row after the restart: updates for those whose Inserted came, removals for the rest', async () => {
      bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables, windowMs: 6_000 });
      const orders = Array.from({ length: 40 }, (_, i) => `PARK-${i}-${randomUUID().slice(0, 6)}`);
      await enqueue(bed, [poBody({ inserted: orders.map((orderNbr) => poRow(orderNbr)), timeStamp: nextTimeStamp() })]);
      const first = await start();
      await waitFor(async () => (await countRows(bed, 'change_log')) === 40, 20_000, 'the 40 lines');

      const halves = orders.map((orderNbr) => ({ orderNbr, id: randomUUID(), timeStamp: nextTimeStamp() }));
      await enqueue(bed, halves.map(({ orderNbr, id, timeStamp }) => poBody({ deleted: [poRow(orderNbr)], timeStamp, id })), 5);
      await waitFor(async () => (await bed.pendingWindows()).length === 40, 10_000, '40 parked rows');
      await first.kill('SIGKILL');

      // The Inserted halves of the first 20 arrive while no worker runs.
      await enqueue(
        bed,
        halves.slice(0, 20).map(({ orderNbr, id, timeStamp }) => poBody({ inserted: [poRow(orderNbr, { OpenQty: 0 })], timeStamp, id })),
      );
      await start();
      await waitFor(async () => (await countRows(bed, 'change_log')) >= 80, 30_000, '20 updates and 20 removals');
      await waitFor(async () => (await bed.queue.getJobCountByTypes('active', 'wait', 'delayed')) === 0 && (await bed.pendingWindows()).length === 0, 10_000, 'an empty queue');

      const kinds = await bed.db.selectFrom('change_log').select(['kind', 'document_key']).where('kind', '!=', 'insert').where('level', '=', 'line').execute();
      const updated = new Set(kinds.filter((c) => c.kind === 'update').map((c) => (c.document_key as { orderNbr: string }).orderNbr));
      const removed = new Set(kinds.filter((c) => c.kind === 'removal').map((c) => (c.document_key as { orderNbr: string }).orderNbr));
      expect(kinds).toHaveLength(40);
      expect(updated).toEqual(new Set(orders.slice(0, 20)));
      expect(removed).toEqual(new Set(orders.slice(20)));
      const live = await bed.db.selectFrom('purchase_order_lines').select('order_nbr').where('removed_at', 'is', null).execute();
      expect(new Set(live.map((line) => line.order_nbr))).toEqual(new Set(orders.slice(0, 20)));
    }, 120_000);
  });
});

describe('a worker process sent SIGTERM', () => {
  it('finishes the jobs in hand, logs "stopped" and exits 0', async () => {
    const bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables });
    try {
      const worker = await startWorkerProcess(appRoot, workerEnv(bed));
      const orders = Array.from({ length: 50 }, (_, i) => `TERM-${i}-${randomUUID().slice(0, 6)}`);
      await enqueue(bed, orders.map((orderNbr) => poBody({ inserted: [poRow(orderNbr)], timeStamp: nextTimeStamp() })), 5);
      await waitFor(async () => (await countProcessedNotifications(bed)) > 0, 20_000, 'the first notification');
      expect(await worker.kill('SIGTERM')).toBe(0);
      expect(worker.output()).toMatch(/SIGTERM: finishing the jobs in hand[\s\S]*"msg":"stopped"/);
      // Whatever it had started is complete; the rest waits in the queue for the next worker.
      expect(await bed.queue.getActiveCount()).toBe(0);
      expect((await countProcessedNotifications(bed)) + (await bed.queue.getWaitingCount()) * 5).toBe(50);
    } finally {
      await bed.cleanup();
    }
  }, 60_000);
});
