import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { loadEnv } from '@wmsi/config';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, pingDb, withDefaultUser } from './client.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

describe('createDb', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test?.drop());

  it('answers a ping', async () => {
    await expect(pingDb(test.db)).resolves.toBeUndefined();
  });

  it('keeps int8 and numeric exact as strings, even when someone changed pg parsers globally', async () => {
    const previous = pg.types.getTypeParser(pg.types.builtins.INT8);
    pg.types.setTypeParser(pg.types.builtins.INT8, Number);
    try {
      const { rows } = await sql<{ ticks: unknown; qty: unknown; many: unknown; quantities: unknown }>`
        select 638465233453014192::int8 as ticks, 12.3400::numeric as qty,
               array[638465233453014193, 1]::int8[] as many, array[0.1, 2.50]::numeric[] as quantities`.execute(test.db);
      expect(rows[0]).toEqual({
        ticks: '638465233453014192',
        qty: '12.3400',
        many: ['638465233453014193', '1'],
        quantities: ['0.1', '2.50'],
      });
    } finally {
      pg.types.setTypeParser(pg.types.builtins.INT8, previous);
    }
  });

  it('survives its connection being terminated in the middle of a transaction: the next query fails, nothing is thrown', async () => {
    const victim = createDb(test.url, { maxConnections: 1 });
    const outcome = await victim
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // As a PostgreSQL restart or failover would, while this transaction waits on something else.
        await sql`select pg_terminate_backend(${rows[0].pid})`.execute(test.db);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await sql`select 1`.execute(trx);
      })
      .then(() => 'committed', (error: Error) => error.message);
    expect(outcome).toMatch(/terminat|not queryable|closed/i);
    // The pool replaces the dead connection.
    await expect(pingDb(victim)).resolves.toBeUndefined();
    await victim.destroy();
  });

  it('fails the ping when the server cannot be reached', async () => {
    const unreachable = createDb('postgres://127.0.0.1:1/nothing');
    try {
      await expect(pingDb(unreachable)).rejects.toThrow();
    } finally {
      await unreachable.destroy();
    }
  });
});

describe('ensureDatabaseExists', () => {
  const url = databaseUrl(loadEnv().DATABASE_URL, `wmsi_test_${randomBytes(6).toString('hex')}`);
  afterAll(() => dropDatabase(url));

  it('creates a missing database exactly once when several processes race for it', async () => {
    const created = await Promise.all([1, 2, 3, 4].map(() => ensureDatabaseExists(url)));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await ensureDatabaseExists(url)).toBe(false);
    const db = createDb(url);
    try {
      await expect(pingDb(db)).resolves.toBeUndefined();
    } finally {
      await db.destroy();
    }
  });
});

describe('withDefaultUser', () => {
  it('connects as the OS user when the URL names none, as psql does', () => {
    expect(withDefaultUser('postgres://127.0.0.1:5432/wmsi')).toBe(
      `postgres://${encodeURIComponent(userInfo().username)}@127.0.0.1:5432/wmsi`,
    );
  });

  it('keeps the user and password a URL already names', () => {
    expect(withDefaultUser('postgres://app:s3cret@db.example:5432/wmsi?sslmode=require')).toBe(
      'postgres://app:s3cret@db.example:5432/wmsi?sslmode=require',
    );
  });
});
