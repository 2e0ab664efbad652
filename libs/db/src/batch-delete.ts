import type { Kysely, RawBuilder } from 'kysely';

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
