import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from './client.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

// Through Kysely and pg on real PostgreSQL, on one connection so that pg_prepared_statements (a
// view of the session's own statements) sees what the pool's statements left behind.

const preparedHere = async (db: Database) =>
  (await sql<{ statement: string }>`select statement from pg_prepared_statements where not from_sql`.execute(db)).rows.map((row) => row.statement);

describe('createDb with preparedStatements', () => {
  let test: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    test = await createTestDatabase();
    db = createDb(test.url, { maxConnections: 1, preparedStatements: 2 });
  });
  afterAll(async () => {
    await db?.destroy();
    await test?.drop();
  });

  it('prepares a repeated statement with parameters once per connection and gives the same answers', async () => {
    const answers: unknown[] = [];
    for (let i = 0; i < 8; i++) {
      answers.push((await sql<{ n: string }>`select ${i}::int + 1 as n, ${'x'}::text as t`.execute(db)).rows[0]);
    }
    expect(answers).toEqual(Array.from({ length: 8 }, (_, i) => ({ n: i + 1, t: 'x' })));
    const prepared = await preparedHere(db);
    expect(prepared.filter((text) => text.includes('::int + 1 as n'))).toHaveLength(1);
  });

  it('keeps at most the given number of texts per connection; the others run unnamed, as before', async () => {
    for (const column of ['a', 'b', 'c']) {
      const { rows } = await sql<Record<string, number>>`select ${1}::int as ${sql.raw(column)}`.execute(db);
      expect(rows[0]).toEqual({ [column]: 1 });
    }
    // The first test's statement and 'a' fill the two places.
    const prepared = await preparedHere(db);
    expect(prepared).toHaveLength(2);
    expect(prepared.some((text) => text.includes('as a'))).toBe(true);
    expect(prepared.some((text) => text.includes('as c'))).toBe(false);
  });

  it('leaves a prepared statement usable after the transaction that used it failed and rolled back', async () => {
    await sql`create table if not exists counted (id int primary key)`.execute(test.db);
    const roomy = createDb(test.url, { maxConnections: 1, preparedStatements: 10 });
    try {
      const insert = (id: number) => roomy.insertInto('counted' as never).values({ id } as never).execute();
      const failing = roomy.transaction().execute(async (trx) => {
        await trx.insertInto('counted' as never).values({ id: 1 } as never).execute();
        await trx.insertInto('counted' as never).values({ id: 1 } as never).execute();
      });
      await expect(failing).rejects.toThrow(/duplicate key/);
      await insert(1);
      await insert(2);
      const { rows } = await sql<{ id: number }>`select id from counted order by id`.execute(test.db);
      expect(rows.map((row) => row.id)).toEqual([1, 2]);
      expect((await preparedHere(roomy)).filter((text) => text.startsWith('insert into "counted"'))).toHaveLength(1);
    } finally {
      await roomy.destroy();
    }
  });

  it('prepares nothing by default', async () => {
    const plain = createDb(test.url, { maxConnections: 1 });
    try {
      await sql`select ${1}::int as one`.execute(plain);
      await sql`select ${1}::int as one`.execute(plain);
      expect(await preparedHere(plain)).toEqual([]);
    } finally {
      await plain.destroy();
    }
  });
});
