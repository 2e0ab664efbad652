import { loadEnv } from '@wmsi/config';
import { createTestDatabase, startTcpProxy, type TestDatabase } from '@wmsi/db/testing';
import { connectForBackgroundWork } from '@wmsi/queue';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesChannel, type ChangeEvent } from './change-event.js';
import { startChangeTail, type ChangeTail } from './change-tail.js';
import { followChanges, ResyncRequired, startingPoint } from './follow.js';
import { changesStatement, readChanges } from './log-reader.js';
import { decodePosition, START } from './positions.js';
import { pruneChangeLog } from './prune.js';

// The change log's cursor, at the level of SQL and of one API process's tail: no write engine is
// needed to prove it, only transactions writing log rows and committing in any order.

let logged = 0;
/** Inserts log rows for `n` stock items in the transaction of `client` (not committed by this). */
async function logRows(client: pg.ClientBase, n: number, warehouse = 'MAIN'): Promise<string[]> {
  const ids = Array.from({ length: n }, () => `ITEM${++logged}`);
  await client.query(
    `insert into change_log (topic, kind, level, row_key, document_key, warehouse, source_timestamp, query, notification_id, before, after)
     select 'stock-items', 'insert', 'document', jsonb_build_object('inventoryId', id), jsonb_build_object('inventoryId', id), $2,
       638465233453014192, 'WMS Stock Items', 'n', null, '{}'
     from unnest($1::text[]) with ordinality as x(id, ord) order by ord`,
    [ids, warehouse],
  );
  return ids;
}

const itemOf = (event: ChangeEvent) => String(event.rowKey.inventoryId);

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the change log as a cursor (real PostgreSQL, real Redis)', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let redis: Redis;
  let tail: ChangeTail;
  const prefix = testPrefix();
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 6 });
    redis = connectForBackgroundWork(loadEnv().REDIS_URL, ignoreConnectionErrors);
    tail = startChangeTail({ db: database.db, subscriber: connectForBackgroundWork(loadEnv().REDIS_URL, ignoreConnectionErrors), prefix, keep: 100, pollMs: 100, onError: () => undefined });
    await tail.ready;
  });
  afterAll(async () => {
    await tail?.close();
    await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
    redis?.disconnect();
    await pool?.end();
    await database?.drop();
  });

  it('never shows a change committed while an older transaction is open, so no cursor can pass the older one', async () => {
    const older = await pool.connect();
    const newer = await pool.connect();
    try {
      const from = await startingPoint({ db: database.db, tail }, undefined);
      await older.query('begin');
      await older.query('select pg_current_xact_id()');
      const [first] = await logRows(older, 1);
      await newer.query('begin');
      const [second] = await logRows(newer, 1);
      await newer.query('commit');
      // The newer commit is done, but the older transaction may still commit before it in the log.
      const whileOpen = await readChanges(database.db, { after: from, limit: 10 });
      expect(whileOpen.events.map(itemOf)).not.toContain(second);
      // Committed but held back: the tail reads again soon instead of waiting for its next poll.
      expect(whileOpen.hidden).toBe(true);
      await older.query('commit');
      const after = await until(() => readChanges(database.db, { after: from, limit: 10 }), (page) => page.events.length >= 2, 'both changes');
      expect(after.events.map(itemOf)).toEqual([first, second]);
      expect(after.hidden).toBe(false);
    } finally {
      older.release();
      newer.release();
    }
  });

  it('reads the feed through the position index of the log, never a scan of the whole log, while transactions hold the horizon', async () => {
    // Each API process reads the feed up to a hundred times a second under load; a plan that scans
    // the log costs in proportion to its retention (it once took a third of PostgreSQL's time).
    const client = await pool.connect();
    const open = await pool.connect();
    try {
      await logRows(client, 20_000);
      await client.query('analyze change_log');
      await open.query('begin');
      await logRows(open, 1);
      const from = await startingPoint({ db: database.db, tail }, undefined);
      for (const filter of [{}, { topics: ['stock-items' as const] }, { warehouse: 'MAIN' }]) {
        const plan = await sql<{ 'QUERY PLAN': string }>`explain ${changesStatement({ after: from, filter, limit: 500 })}`.execute(database.db);
        const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
        expect(text).toContain('change_log_by_position');
        expect(text).not.toMatch(/Seq Scan on change_log/);
      }
      // The API's tail keeps its read prepared, and PostgreSQL may settle on a generic plan for it:
      // that plan must use the index too.
      const tailRead = changesStatement({ after: from, limit: 1_000 }).compile(database.db);
      await client.query('set plan_cache_mode = force_generic_plan');
      await client.query(`prepare tail_read as ${tailRead.sql}`);
      const generic = await client.query<{ 'QUERY PLAN': string }>(`explain execute tail_read(${tailRead.parameters.map((value) => `'${String(value)}'`).join(', ')})`);
      await client.query('deallocate tail_read');
      await client.query('reset plan_cache_mode');
      const genericText = generic.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(genericText).toContain('change_log_by_position');
      expect(genericText).not.toMatch(/Seq Scan on change_log/);
    } finally {
      await open.query('rollback');
      open.release();
      client.release();
    }
  });

  it('gives a reader resuming from any event id every later change exactly once, however many it missed', async () => {
    const from = await startingPoint({ db: database.db, tail }, undefined);
    const client = await pool.connect();
    const written = await logRows(client, 2_500);
    client.release();
    const seen: string[] = [];
    let cursor = from;
    // Resume from every 300th event, as a handheld that drops off again and again.
    while (seen.length < written.length) {
      const page = await readChanges(database.db, { after: cursor, limit: 300 });
      if (page.events.length === 0) continue;
      seen.push(...page.events.map(itemOf));
      cursor = decodePosition(page.events.at(-1)!.id)!;
    }
    expect(seen).toEqual(written);
  });

  it('serves a stream that stopped reading from the log once the tail no longer keeps its place: bounded memory, nothing lost', async () => {
    const abort = new AbortController();
    const from = await startingPoint({ db: database.db, tail }, undefined);
    const stream = followChanges({ db: database.db, tail, pageSize: 50 }, {}, from, abort.signal);
    const client = await pool.connect();
    const written = await logRows(client, 1_000);
    client.release();
    await redis.publish(changesChannel(prefix), 'wake');
    // The tail keeps 100; the reader has not read one yet.
    await until(async () => tail.head(), (head) => head.seq !== from.seq, 'the tail moving on');
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(itemOf(event));
      if (seen.length === written.length) break;
    }
    abort.abort();
    expect(seen).toEqual(written);
    expect(tail.kept()).toBeLessThanOrEqual(100);
  });

  it("is woken by the workers' message, also when its Redis connection was still in its handshake at start", async () => {
    // The API starts its tail on a connection opened a moment before, so the subscription can go out
    // mid-handshake; with Redis a network's distance away it always does. A poll of a minute: within
    // this test only the wake-up can move the tail.
    const redisUrl = new URL(loadEnv().REDIS_URL);
    const distant = await startTcpProxy(Number(redisUrl.port || 6379), { targetHost: redisUrl.hostname, replyDelayMs: 25 });
    redisUrl.port = String(distant.port);
    const late = startChangeTail({ db: database.db, subscriber: connectForBackgroundWork(redisUrl.toString(), ignoreConnectionErrors), prefix, pollMs: 60_000, onError: () => undefined });
    try {
      await late.ready;
      // A connection that lost its handshake to the race reconnects within half a second, and its
      // 'ready' reads the log once: only a wake-up may move the tail after that.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = late.head();
      const client = await pool.connect();
      await logRows(client, 1);
      client.release();
      await redis.publish(changesChannel(prefix), 'wake');
      const head = await until(async () => late.head(), (now) => now.seq !== before.seq, 'the wake-up', 5_000).catch(() => before);
      expect(head.seq).not.toBe(before.seq);
    } finally {
      await late.close();
      await distant.close();
    }
  });

  it('filters by warehouse, and shows a record that left the warehouse to its followers', async () => {
    const from = await startingPoint({ db: database.db, tail }, undefined);
    const client = await pool.connect();
    const [east] = await logRows(client, 1, 'EAST');
    await client.query(
      `insert into change_log (topic, kind, level, row_key, document_key, warehouse, previous_warehouse, source_timestamp, query, notification_id, before, after)
       values ('stock-items', 'update', 'document', '{"inventoryId":"MOVER"}', '{"inventoryId":"MOVER"}', 'EAST', 'MAIN', 1, 'q', 'n', '{}', '{}')`,
    );
    const [main] = await logRows(client, 1, 'MAIN');
    client.release();
    const page = await until(() => readChanges(database.db, { after: from, filter: { warehouse: 'MAIN' }, limit: 10 }), (p) => p.events.length >= 2, 'MAIN changes');
    expect(page.events.map(itemOf)).toEqual(['MOVER', main]);
    expect(page.events.map(itemOf)).not.toContain(east);
  });

  it('answers RESYNC_REQUIRED to an id older than the log keeps, and to one it never gave', async () => {
    const from = await startingPoint({ db: database.db, tail }, undefined);
    const client = await pool.connect();
    await logRows(client, 3);
    client.release();
    const page = await until(() => readChanges(database.db, { after: from, limit: 10 }), (p) => p.events.length === 3, 'three changes');
    await sql`update change_log set applied_at = now() - interval '40 days'`.execute(database.db);
    expect(await pruneChangeLog(database.db, { retentionDays: 30 })).toBeGreaterThanOrEqual(3);
    await expect(startingPoint({ db: database.db, tail }, page.events[1]!.id)).rejects.toBeInstanceOf(ResyncRequired);
    await expect(startingPoint({ db: database.db, tail }, '12345')).rejects.toBeInstanceOf(ResyncRequired);
    await expect(startingPoint({ db: database.db, tail }, `1-${'9'.repeat(30)}`)).rejects.toBeInstanceOf(ResyncRequired);
    expect(await startingPoint({ db: database.db, tail }, page.events[2]!.id)).toEqual(decodePosition(page.events[2]!.id));
    expect(START).toEqual({ xid: '0', seq: '0' });
  });
});
