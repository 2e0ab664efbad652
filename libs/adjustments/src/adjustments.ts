import type { Database, InventoryAdjustmentLines, InventoryAdjustments } from '@wmsi/db';
import type { Selectable } from 'kysely';

export type InventoryAdjustment = Selectable<InventoryAdjustments>;
export type InventoryAdjustmentLine = Selectable<InventoryAdjustmentLines>;

/**
 * The adjustment with every line it ever had, in line order, or undefined when the ERP never sent
 * it. Removed lines stay in the answer with `removed_at` set: a desk comparing with the ERP sees
 * which lines left the document rather than guessing.
 */
export async function findAdjustment(
  db: Database,
  referenceNbr: string,
): Promise<(InventoryAdjustment & { lines: InventoryAdjustmentLine[] }) | undefined> {
  const header = await db.selectFrom('inventory_adjustments').selectAll().where('reference_nbr', '=', referenceNbr).executeTakeFirst();
  if (header === undefined) return undefined;
  const lines = await db
    .selectFrom('inventory_adjustment_lines')
    .selectAll()
    .where('reference_nbr', '=', referenceNbr)
    .orderBy('line_nbr')
    .execute();
  return { ...header, lines };
}
