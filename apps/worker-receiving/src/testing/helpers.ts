import { accepted, type ChangesTestbed } from '@wmsi/changes/testing';
import { notificationBody } from '@wmsi/contracts/testing';
import { notificationJobOptions } from '@wmsi/queue';

type Fields = Record<string, unknown>;

/** One row of "WMS Purchase Orders": line 1 of `orderNbr` with its header. */
export function poRow(orderNbr: string, fields: Fields = {}): Fields {
  return { OrderType: 'Normal', OrderNbr: orderNbr, Status: 'Open', Warehouse: 'MAIN', LineNbr: 1, InventoryID: 'AALEGO500', OrderQty: 10, OpenQty: 10, ...fields };
}

export function poBody(options: { inserted?: Fields[]; deleted?: Fields[]; timeStamp: string; id?: string }): string {
  return notificationBody({ query: 'WMS Purchase Orders', ...options });
}

/** Puts notification bodies on the receiving queue as the dispatcher does: `perJob` per batch job. */
export async function enqueue(bed: ChangesTestbed, bodies: readonly string[], perJob = 1): Promise<void> {
  const jobs = [];
  for (let i = 0; i < bodies.length; i += perJob) {
    const notifications = bodies.slice(i, i + perJob).map((body) => accepted('purchase-orders', body));
    jobs.push({ name: 'receiving', data: { notifications }, opts: { ...notificationJobOptions, jobId: notifications[0].intakeId } });
  }
  await bed.queue.addBulk(jobs);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function workerEnv(bed: ChangesTestbed, databaseUrl = bed.databaseUrl): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: bed.prefix,
    PAIRING_WINDOW_MS: String(bed.windowMs),
    WORKER_LOCK_MS: '1000',
    QUEUE_PARTITIONS: String(bed.partitions),
  };
}

export async function countRows(bed: ChangesTestbed, table: 'processed_notifications' | 'change_log'): Promise<number> {
  const { count } = await bed.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(count);
}

/** Notifications processed (a window's removal is recorded in the same table under its own digest). */
export async function countProcessedNotifications(bed: ChangesTestbed): Promise<number> {
  const { count } = await bed.db
    .selectFrom('processed_notifications')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('rows_digest', 'not like', 'window-ended:%')
    .executeTakeFirstOrThrow();
  return Number(count);
}
