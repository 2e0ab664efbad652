import type { Row, Topic } from '@wmsi/contracts';
import { TOPIC_TABLES, type RecordTable } from '@wmsi/db';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { sql, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markAndReadStatement } from './batch-sql.js';
import { storedTimeStampsStatement } from './stored-timestamps.js';

/**
 * Workers keep their statements prepared on each connection, and PostgreSQL settles on a generic
 * plan for a prepared statement after a few runs. Made on a fresh database, a generic plan of a
 * plain join picked a hash join over the whole table, and kept it while the table grew. The reads
 * of a batch must probe their keys by index whatever the tables held when the plan was made.
 */
describe('the plans of a batch’s reads', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it.each(Object.keys(TOPIC_TABLES) as Topic[])('writes the marks and reads the stored state of %s by index, as a generic plan of empty tables', async (topic) => {
    const tables = TOPIC_TABLES[topic];
    const row = sampleRow(tables.lines ?? tables.document);
    const mark = { query: 'Q', notificationId: 'N', rowsDigest: 'D', topic, timeStamp: '1' };
    const plan = await genericPlan(database, markAndReadStatement([mark], [{ tables, documents: [row], lines: tables.lines ? [row] : [] }]).compile(database.db));
    expect(plan).toContain(`using ${tables.document.table}_pkey`);
    expect(plan).not.toMatch(/Seq Scan|Hash Join/);
  });

  it.each(Object.keys(TOPIC_TABLES) as Topic[])('reads the stored TimeStamps of %s by index, as a generic plan of empty tables', async (topic) => {
    const tables = TOPIC_TABLES[topic];
    for (const table of [tables.document, ...(tables.lines ? [tables.lines] : [])]) {
      const row = sampleRow(table);
      const keys = [{ k: row.rowKey, ...Object.fromEntries(table.key.map((c) => [c.column, row.key[c.field]])) }];
      const plan = await genericPlan(database, storedTimeStampsStatement(table, keys).compile(database.db));
      expect(plan).toContain(`Index Scan using ${table.table}_pkey`);
      expect(plan).not.toMatch(/Seq Scan|Hash Join/);
    }
  });
});

/** A row with every key field of `table` set. */
function sampleRow(table: RecordTable): Row {
  const key = Object.fromEntries(table.key.map((c) => [c.field, /int/.test(c.type) ? 1 : 'K']));
  return { key, values: { ...key }, extra: {}, rowKey: JSON.stringify(Object.values(key)) };
}

/** The plan PostgreSQL keeps for `statement` once it settles on a generic one. */
async function genericPlan(database: TestDatabase, statement: CompiledQuery): Promise<string> {
  return database.db.connection().execute(async (connection) => {
    await sql`set plan_cache_mode = force_generic_plan`.execute(connection);
    await sql.raw(`prepare read_plan as ${statement.sql}`).execute(connection);
    try {
      const literal = (value: unknown) => `'${String(value).replaceAll("'", "''")}'`;
      const plan = await sql.raw<{ 'QUERY PLAN': string }>(`explain execute read_plan(${statement.parameters.map(literal).join(', ')})`).execute(connection);
      return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await sql`deallocate read_plan`.execute(connection);
      await sql`reset plan_cache_mode`.execute(connection);
    }
  });
}
