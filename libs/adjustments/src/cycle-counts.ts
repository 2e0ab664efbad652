import type { CycleCounts, Database } from '@wmsi/db';
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
}

/** Records the count; the item need not be in the item master yet (the floor is not held up by sync lag). */
export async function recordCycleCount(db: Database, count: NewCycleCount): Promise<CycleCount> {
  return db
    .insertInto('cycle_counts')
    .values({
      inventory_id: count.inventoryId,
      warehouse: count.warehouse,
      location: count.location,
      qty: count.qty,
      token_id: count.tokenId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
