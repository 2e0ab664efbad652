/**
 * Worker apply benchmark: how fast one domain change handler applies 40-line purchase-order
 * notifications, against PostgreSQL's own batched-upsert rate on the same machine, in one run.
 *
 * - Handler: the receiving worker's write engine on real PostgreSQL (a fresh migrated database)
 *   and real Redis (a prefix of its own), a job at a time as the worker applies it: 1 notification
 *   per job (a quiet stream) and 25 (a burst, the dispatcher's jobs carry up to 100), each job one
 *   batch (exactly-once marks, pairing, newest-wins upserts of headers and lines, change log).
 *   Mix "new": a new order per notification, 40 Inserted lines. Mix "update": the same orders again,
 *   40 Deleted + 40 Inserted lines in one notification, newer TimeStamp.
 * - Yardstick: in the same database, one `INSERT ... SELECT FROM jsonb_to_recordset ... ON CONFLICT
 *   DO UPDATE` of 40 rows per statement (its own transaction) into `bench_lines`, shaped like
 *   purchase_order_lines: new keys for "new", the same keys again for "update".
 *
 * Each at 1 and 4 concurrent appliers (4 partitions per domain by default), WARM_UP then COUNT
 * notifications (or statements). Rows = lines written, 40 per notification or statement.
 *
 * `npm run bench` runs it as a phase; `npm run worker-apply -w @wmsi/bench [-- COUNT]` alone
 * (worker-apply-cli.ts, writes tools/bench/results/worker-apply.json).
 */
import { randomUUID } from 'node:crypto';
import { accepted, createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { nextTimeStamp, purchaseOrderBody } from '@wmsi/contracts/testing';
import type { Database } from '@wmsi/db';
import { receivingTables } from '@wmsi/receiving';
import { sql } from 'kysely';

const LINES = 40;
const WARM_UP = 30;
const CONCURRENCY = [1, 4];
/** Notifications per job: a quiet stream's, and a burst's. */
const PER_JOB = [1, 25];
const MIXES = ['new', 'update'] as const;
type Mix = (typeof MIXES)[number];

/** Runs the tasks with `concurrency` of them in flight; returns the seconds it took. */
async function timed(tasks: ReadonlyArray<() => Promise<unknown>>, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Warms up on the first WARM_UP tasks, then returns the per-second rate of the remaining ones. */
async function rate(tasks: ReadonlyArray<() => Promise<unknown>>, concurrency: number): Promise<number> {
  await timed(tasks.slice(0, WARM_UP), concurrency);
  return (tasks.length - WARM_UP) / (await timed(tasks.slice(WARM_UP), concurrency));
}

// The yardstick's columns: those the handler writes to purchase_order_lines.
const COLUMNS = [
  ['order_type', 'text'],
  ['order_nbr', 'text'],
  ['line_nbr', 'integer'],
  ['inventory_id', 'text'],
  ['line_description', 'text'],
  ['uom', 'text'],
  ['order_qty', 'numeric'],
  ['received_qty', 'numeric'],
  ['open_qty', 'numeric'],
  ['line_completed', 'boolean'],
  ['line_canceled', 'boolean'],
  ['last_modified_date_time', 'text'],
  ['extra', 'jsonb'],
  ['source_timestamp', 'numeric'],
  ['last_notification_id', 'text'],
] as const;
const KEY = ['order_type', 'order_nbr', 'line_nbr'];
const names = sql.raw(COLUMNS.map(([name]) => name).join(', '));
const typed = sql.raw(COLUMNS.map(([name, type]) => `${name} ${type}`).join(', '));
const updates = sql.raw(COLUMNS.filter(([name]) => !KEY.includes(name)).map(([name]) => `${name} = excluded.${name}, `).join(''));

/** One batched upsert of a JSON array of line records: one statement, its own transaction. */
const upsert = (db: Database, records: string) => sql`
  insert into bench_lines (${names})
  select * from jsonb_to_recordset(${records}::jsonb) as x(${typed})
  on conflict (${sql.raw(KEY.join(', '))}) do update set ${updates} applied_at = now()`.execute(db);

function lineRecords(orderNbr: string): Array<Record<string, unknown>> {
  const timeStamp = nextTimeStamp();
  const notificationId = randomUUID();
  return Array.from({ length: LINES }, (_, i) => ({
    order_type: 'Normal',
    order_nbr: orderNbr,
    line_nbr: i + 1,
    inventory_id: 'AALEGO500',
    line_description: 'Lego 500 piece set',
    uom: 'EA',
    order_qty: 12.5,
    received_qty: i % 10,
    open_qty: 12.5 - (i % 10),
    line_completed: false,
    line_canceled: false,
    last_modified_date_time: '2024-05-06T09:30:12.47',
    extra: {},
    source_timestamp: timeStamp,
    last_notification_id: notificationId,
  }));
}

export interface WorkerApplyRow {
  mix: Mix;
  concurrency: number;
  /** Notifications per job (per batch the engine applies). */
  perJob: number;
  notificationsPerSecond: number;
  rowsPerSecond: number;
  yardstickRowsPerSecond: number;
  ratio: number;
}

/** Every mix at every concurrency, `count` notifications (and statements) each, after the warm-up. */
export async function measureWorkerApply(options: { count: number }) {
  const { count } = options;
  const bed = await createChangesTestbed({ domain: 'receiving', tables: receivingTables });
  const results: WorkerApplyRow[] = [];
  try {
    await sql`create table bench_lines (like purchase_order_lines including all)`.execute(bed.db);
    const postgres = await sql<{ server_version: string }>`show server_version`.execute(bed.db);

    for (const perJob of PER_JOB) {
      for (const concurrency of CONCURRENCY) {
        // Orders of this run: created by "new", updated by "update".
        const orderNbrs = Array.from({ length: WARM_UP + count }, (_, i) => `PO-J${perJob}-C${concurrency}-${String(i).padStart(4, '0')}`);
        for (const mix of MIXES) {
          results.push({ mix, concurrency, perJob, ...(await measureMix(bed, orderNbrs, mix, perJob, concurrency)) });
        }
      }
    }
    return { postgres: postgres.rows[0].server_version, lines: LINES, count, warmUp: WARM_UP, results };
  } finally {
    await bed.cleanup();
  }
}

/** One mix: the engine's rows/s in jobs of `perJob`, and the batched upsert's on the same keys. */
async function measureMix(bed: ChangesTestbed, orderNbrs: readonly string[], mix: Mix, perJob: number, concurrency: number) {
  // Bodies are built before the clock starts; their TimeStamps are newer than any before them.
  const notifications = orderNbrs.map((orderNbr) =>
    accepted('purchase-orders', purchaseOrderBody({ orderNbr, lines: LINES, deletedLines: mix === 'update' ? LINES : 0, timeStamp: nextTimeStamp() })),
  );
  const jobs: Array<() => Promise<unknown>> = [];
  // The warm-up is counted in notifications; jobs never straddle it.
  for (const part of [notifications.slice(0, WARM_UP), notifications.slice(WARM_UP)]) {
    for (let start = 0; start < part.length; start += perJob) {
      const job = part.slice(start, start + perJob);
      jobs.push(async () => {
        const counts = await bed.applyBatch(job);
        if (counts.applied !== LINES * job.length) throw new Error(`expected ${LINES * job.length} lines applied, got ${JSON.stringify(counts)}`);
      });
    }
  }
  const warmUpJobs = Math.ceil(WARM_UP / perJob);
  await timed(jobs.slice(0, warmUpJobs), concurrency);
  const notificationsPerSecond = (notifications.length - WARM_UP) / (await timed(jobs.slice(warmUpJobs), concurrency));

  const batches = orderNbrs.map((orderNbr) => JSON.stringify(lineRecords(orderNbr)));
  const statementsPerSecond = await rate(
    batches.map((batch) => () => upsert(bed.db, batch)),
    concurrency,
  );
  const rowsPerSecond = notificationsPerSecond * LINES;
  const yardstickRowsPerSecond = statementsPerSecond * LINES;
  return { notificationsPerSecond, rowsPerSecond, yardstickRowsPerSecond, ratio: rowsPerSecond / yardstickRowsPerSecond };
}
