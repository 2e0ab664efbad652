import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Runs one delete statement again and again until a run deletes fewer than `batchSize` rows: each
 * statement deletes at most a batch, so none holds its locks for long. `statement` selects how many
 * rows its run deleted, as `deleted`. Returns how many were deleted in all.
 */
export async function deleteInBatches(db: Kysely<any>, batchSize: number, statement: RawBuilder<{ deleted: string }>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await statement.execute(db);
    const count = Number(result.rows[0]?.deleted ?? 0);
    deleted += count;
    if (count < batchSize) return deleted;
  }
}

/** A table pruned by age: its key columns, and the time column (indexed) its rows age by. */
export interface AgedTable {
  table: string;
  key: readonly string[];
  agesBy: string;
}

/**
 * Deletes the rows of `table` whose `agesBy` time is more than `retentionDays` old, oldest first, a
 * batch per statement (deleteInBatches). Table and column names come from code, never from a
 * request. Returns how many rows were deleted.
 */
export function deleteOlderThan(db: Kysely<any>, { table, key, agesBy }: AgedTable, { retentionDays, batchSize }: { retentionDays: number; batchSize: number }): Promise<number> {
  const keys = sql.join(key.map((column) => sql.id(column)));
  const sameRow = sql.join(
    key.map((column) => sql`t.${sql.id(column)} = d.${sql.id(column)}`),
    sql` and `,
  );
  return deleteInBatches(
    db,
    batchSize,
    sql<{ deleted: string }>`
    with doomed as (select ${keys} from ${sql.id(table)} where ${sql.id(agesBy)} < now() - make_interval(days => ${retentionDays}) order by ${sql.id(agesBy)} limit ${batchSize}),
    gone as (delete from ${sql.id(table)} t using doomed d where ${sameRow} returning 1)
    select count(*)::text as deleted from gone`,
  );
}
