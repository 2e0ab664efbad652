import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { loadEnv } from '@wmsi/config';
import { type Kysely, Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists } from './client.js';
import { MigrationError } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';

const allMigrations = Object.keys(migrations).sort();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A database with nothing in it, not even Kysely's bookkeeping tables. */
async function emptyDatabase(): Promise<string> {
  const url = databaseUrl(loadEnv().DATABASE_URL, `wmsi_test_${randomBytes(6).toString('hex')}`);
  await ensureDatabaseExists(url);
  cleanups.push(() => dropDatabase(url));
  return url;
}

function connect(url: string): Kysely<any> {
  const db = createDb(url, { maxConnections: 2 });
  cleanups.unshift(() => db.destroy());
  return db;
}

async function tableNames(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((table) => table.name).sort();
}

describe('migrateToLatest', () => {
  it('applies every migration, oldest first, to an empty database', async () => {
    const db = connect(await emptyDatabase());
    const { applied } = await migrateToLatest(db);
    expect(applied).toEqual(allMigrations);
    expect(await tableNames(db)).toEqual([
      'api_keys',
      'api_tokens',
      'assembly_order_components',
      'assembly_orders',
      'change_log',
      'change_log_horizon',
      'cycle_counts',
      'document_history',
      'inventory_adjustment_lines',
      'inventory_adjustments',
      'picks',
      'processed_notifications',
      'purchase_order_lines',
      'purchase_orders',
      'quarantine',
      'receipts',
      'sales_order_lines',
      'sales_orders',
      'shipment_lines',
      'shipments',
      'stock_items',
    ]);
  });

  it('does nothing the second time', async () => {
    const db = connect(await emptyDatabase());
    await migrateToLatest(db);
    expect(await migrateToLatest(db)).toEqual({ applied: [] });
  });

  it('lets two processes migrate at once: each migration runs exactly once and neither fails', async () => {
    const url = await emptyDatabase();
    const [first, second] = await Promise.all([migrateToLatest(connect(url)), migrateToLatest(connect(url))]);
    expect([...first.applied, ...second.applied].sort()).toEqual(allMigrations);
    const recorded = await connect(url).selectFrom('kysely_migration').select('name').orderBy('name').execute();
    expect(recorded.map((row) => row.name)).toEqual(allMigrations);
  });

  it('names the failing migration and leaves the database as it was', async () => {
    const db = connect(await emptyDatabase());
    await sql`create table quarantine (anything int)`.execute(db);
    const failure = await migrateToLatest(db).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect(failure).toMatchObject({ code: 'DB_MIGRATION_FAILED', migration: '2026_11_26_0002_quarantine' });
    expect((failure as Error).message).toMatch(/2026_11_26_0002_quarantine.*already exists/);
    // PostgreSQL runs DDL in the migrator's transaction: the earlier migration rolled back too.
    expect(await tableNames(db)).toEqual(['quarantine']);
  });

  it('registers every migration file in the folder', async () => {
    const files = await readdir(new URL('./migrations/', import.meta.url));
    const onDisk = files.filter((file) => /^\d{4}_\d{2}_\d{2}_\d{4}_.+\.ts$/.test(file) && !file.endsWith('.test.ts'));
    expect(onDisk.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual(allMigrations);
  });

  it('merges the copies of a body kept before the quarantine stored each body once', async () => {
    const db = connect(await emptyDatabase());
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '2026_11_29_0006_retention'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    expect(error).toBeUndefined();
    const copy = (body: string, receivedAt: string, replayedAt: string | null = null) =>
      sql`insert into quarantine (topic, reason, message, raw_body, received_at, replayed_at)
        values ('shipments', 'invalid-rows', 'bad', ${Buffer.from(body)}, ${receivedAt}::timestamptz, ${replayedAt}::timestamptz)`.execute(db);
    await copy('{"a":1}', '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z');
    await copy('{"a":1}', '2026-11-02T00:00:00Z');
    await copy('{"a":1}', '2026-11-03T00:00:00Z');
    await copy('{"b":2}', '2026-11-04T00:00:00Z', '2026-11-04T01:00:00Z');

    await migrateToLatest(db);
    const rows = await sql<{ id: string; times_seen: number; last_seen_at: Date; replayed: boolean }>`
      select id, times_seen, last_seen_at, replayed_at is not null as replayed from quarantine order by id`.execute(db);
    expect(rows.rows.map((row) => ({ ...row, last_seen_at: row.last_seen_at.toISOString() }))).toEqual([
      { id: '1', times_seen: 3, last_seen_at: '2026-11-03T00:00:00.000Z', replayed: false },
      { id: '4', times_seen: 1, last_seen_at: '2026-11-04T00:00:00.000Z', replayed: true },
    ]);
  });
});
