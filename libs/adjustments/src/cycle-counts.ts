import type { CycleCounts, Database } from '@wmsi/db';
import { AppError } from '@wmsi/trpc';
import type { Selectable } from 'kysely';

export type CycleCount = Selectable<CycleCounts>;

/**
 * One count taken on the floor.
 *
 * `qty` is the DIFFERENCE the counter found against what the location should hold, signed:
 * +2 = two more on the shelf than expected, -1 = one short, 0 = the location was right. That is
 * what an ERP inventory adjustment books (its line Qty is signed the same way), so the counts of a
 * place and the released adjustments of that place can be summed and compared directly.
 *
 * `location` is '' for a warehouse without locations, so (item, warehouse, location) is always a key.
 */
export interface NewCycleCount {
  inventoryId: string;
  warehouse: string;
  location: string;
  /** A decimal string, exact (a JS number goes through `String()`, which prints it shortest-exact). */
  qty: string;
  tokenId: string;
  /** The client's id of this tap: a retry with it returns the first count and records nothing more. */
  operationId?: string;
}

/**
 * Records the count; the item need not be in the item master yet (the floor is not held up by sync
 * lag). A retry with the same operation id returns the first count, `replayed: true`.
 */
export async function recordCycleCount(db: Database, count: NewCycleCount): Promise<{ count: CycleCount; replayed: boolean }> {
  const recorded = await db
    .insertInto('cycle_counts')
    .values({
      inventory_id: count.inventoryId,
      warehouse: count.warehouse,
      location: count.location,
      qty: count.qty,
      token_id: count.tokenId,
      operation_id: count.operationId ?? null,
    })
    .onConflict((conflict) => conflict.column('operation_id').where('operation_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (recorded !== undefined) return { count: recorded, replayed: false };
  const earlier = await db.selectFrom('cycle_counts').selectAll().where('operation_id', '=', count.operationId!).executeTakeFirstOrThrow();
  const same =
    earlier.inventory_id === count.inventoryId &&
    earlier.warehouse === count.warehouse &&
    earlier.location === count.location &&
    Number(earlier.qty) === Number(count.qty);
  if (!same) {
    throw new AppError('OPERATION_ID_REUSED', `Operation ${count.operationId} already recorded a count of ${earlier.inventory_id} in ${earlier.warehouse}`, { countId: earlier.id });
  }
  return { count: earlier, replayed: true };
}
