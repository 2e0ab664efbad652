import type { Database, StockItems } from '@wmsi/db';
import { sql, type Selectable } from 'kysely';

/** An item master record as stored, tombstone fields included. */
export type StockItem = Selectable<StockItems>;

/** The item, removed or not; undefined when the ERP never sent it. */
export async function findStockItem(db: Database, inventoryId: string): Promise<StockItem | undefined> {
  return db.selectFrom('stock_items').selectAll().where('inventory_id', '=', inventoryId).executeTakeFirst();
}

/**
 * The live item a scanned barcode stands for. Barcodes are not unique in the ERP; when two live
 * items share one, the first by inventory id answers, so the same scan always gives the same item.
 */
export async function findLiveStockItemByBarcode(db: Database, barcode: string): Promise<StockItem | undefined> {
  return db
    .selectFrom('stock_items')
    .selectAll()
    .where('barcode', '=', barcode)
    .where('removed_at', 'is', null)
    .orderBy('inventory_id')
    .limit(1)
    .executeTakeFirst();
}

/** What a scanner typed is matched literally: `%`, `_` and `\` are not wildcards to a picker. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * Live items whose inventory id starts with `query` or whose description contains it, both
 * case-insensitively, in inventory id order from just after `after`; at most `limit` rows.
 *
 * The id test is spelled `lower(inventory_id) like lower('<prefix>%')`, the expression of the
 * `lower(inventory_id) text_pattern_ops` index, so the planner may use it. With the description test
 * OR-ed in (no index can answer "contains"), PostgreSQL walks the primary key in inventory id order
 * and stops after `limit` matches; the keyset (`inventory_id > after`) keeps each page that cheap.
 */
export async function searchStockItems(
  db: Database,
  search: { query: string; after?: string; limit: number },
): Promise<StockItem[]> {
  const literal = escapeLike(search.query);
  return db
    .selectFrom('stock_items')
    .selectAll()
    .where('removed_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb(sql`lower(inventory_id)`, 'like', sql<string>`lower(${`${literal}%`})`),
        eb('description', 'ilike', `%${literal}%`),
      ]),
    )
    .$if(search.after !== undefined, (qb) => qb.where('inventory_id', '>', search.after as string))
    .orderBy('inventory_id')
    .limit(search.limit)
    .execute();
}
