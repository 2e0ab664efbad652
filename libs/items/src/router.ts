import { keyPart, pageInput, pageOf, readCursor, readProcedure, router, toDto } from '@wmsi/trpc';
import { z } from 'zod';
import { findLiveStockItemByBarcode, findStockItem, searchStockItems, type StockItem } from './stock-items.js';

/** ERP identifiers as a scanner or a person types them: trimmed, never empty, never a whole page. */
const erpId = z.string().trim().min(1).max(100);

/** An item as clients see it: camelCase, `sourceTimestamp` as exact decimal digits. */
const itemDto = (item: StockItem) => toDto(item);

/** The inventory id a search page ended on, or a BAD_REQUEST for a cursor this search never gave. */
function searchAfter(cursor: string | undefined): string | undefined {
  return readCursor(cursor, z.tuple([keyPart.text]), 'items.search')?.[0];
}

export const itemsRouter = router({
  /** The item, `null` when the ERP never sent it; a removed item comes back with `removedAt` set. */
  get: readProcedure.input(z.object({ inventoryId: erpId })).query(async ({ ctx, input }) => {
    const item = await findStockItem(ctx.db, input.inventoryId);
    return item === undefined ? null : itemDto(item);
  }),

  /** Live items by the start of their inventory id or a piece of their description, paged by id. */
  search: readProcedure
    .input(z.object({ query: erpId, ...pageInput }))
    .query(async ({ ctx, input }) => {
      const rows = await searchStockItems(ctx.db, {
        query: input.query,
        after: searchAfter(input.cursor),
        // One more than asked: pageOf tells from it whether there is a next page.
        limit: input.limit + 1,
      });
      return pageOf(rows.map(itemDto), input.limit, (item) => [item.inventoryId]);
    }),

  /** The live item a scanned barcode belongs to, or `null`. */
  byBarcode: readProcedure.input(z.object({ barcode: erpId })).query(async ({ ctx, input }) => {
    const item = await findLiveStockItemByBarcode(ctx.db, input.barcode);
    return item === undefined ? null : itemDto(item);
  }),
});
