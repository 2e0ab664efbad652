import { encodePosition, ResyncRequired, startingPoint, type FollowDeps } from '@wmsi/change-feed';
import { loadEnv } from '@wmsi/config';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionSettings, runRetention } from './retention.js';
import { AGED, countRows, insertAgedRows } from './testing/aged-rows.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe('retention settings', () => {
  it('defaults to 14 days of quarantine, 7 of processed marks, 30 of change log', () => {
    expect(retentionSettings(loadEnv({}))).toEqual({ quarantineDays: 14, processedDays: 7, changeLogDays: 30, batchSize: 5_000 });
  });

  it('refuses to keep processed marks for less time than Acumatica resends (2 days)', () => {
    expect(() => loadEnv({ PROCESSED_RETENTION_DAYS: '1' })).toThrow(/PROCESSED_RETENTION_DAYS/);
    expect(loadEnv({ PROCESSED_RETENTION_DAYS: '2' }).PROCESSED_RETENTION_DAYS).toBe(2);
  });
});

describe('a retention run', () => {
  it('prunes each table past its retention, keeps the rest, and the feed answers RESYNC_REQUIRED before its horizon', async () => {
    const db = database.db;
    await insertAgedRows(db);
    const positions = await sql<{ xid: string; seq: string }>`select c.xid::text as xid, c.seq::text as seq from change_log c order by c.xid, c.seq`.execute(db);
    const eventId = (index: number) => encodePosition(positions.rows[index]!);
    const before = await countRows(db);
    expect(before).toEqual(Object.fromEntries(Object.entries(AGED).map(([table, { total }]) => [table, total])));

    const run = await runRetention(db, retentionSettings(loadEnv({})));

    const expired = Object.fromEntries(Object.entries(AGED).map(([table, { expired }]) => [table, expired]));
    expect(run.pruned).toEqual(expired);
    const after = await countRows(db);
    expect(after).toEqual(Object.fromEntries(Object.entries(AGED).map(([table, { total, expired }]) => [table, total - expired])));
    console.info(
      `retention with the defaults pruned: ${Object.entries(AGED)
        .map(([table, { total }]) => `${run.pruned[table as keyof typeof AGED].toLocaleString('en')} of ${total.toLocaleString('en')} ${table}`)
        .join(', ')} in ${run.durationMs} ms`,
    );
    // The resent quarantine bodies (last seen 2 days ago) are the ones kept.
    expect(await db.selectFrom('quarantine').select('times_seen').distinct().execute()).toEqual([{ times_seen: 5 }]);

    // An event id is checked against the horizon before anything is read: the tail is not needed.
    const feed = { db } as Pick<FollowDeps, 'db' | 'tail'>;
    await expect(startingPoint(feed, eventId(0))).rejects.toBeInstanceOf(ResyncRequired);
    await expect(startingPoint(feed, eventId(AGED.change_log.expired - 2))).rejects.toThrow(/CHANGE_LOG_RETENTION_DAYS/);
    // The client saw everything up to the last pruned change: it missed nothing and goes on.
    await expect(startingPoint(feed, eventId(AGED.change_log.expired - 1))).resolves.toEqual(positions.rows[AGED.change_log.expired - 1]);
    await expect(startingPoint(feed, eventId(AGED.change_log.expired + 5))).resolves.toEqual(positions.rows[AGED.change_log.expired + 5]);

    // A second run finds nothing more to prune.
    expect((await runRetention(db, retentionSettings(loadEnv({})))).pruned).toEqual({ quarantine: 0, processed_notifications: 0, change_log: 0, document_history: 0 });
  }, 60_000);
});
