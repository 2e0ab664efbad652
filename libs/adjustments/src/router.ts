import { handheldProcedure, keyPart, pageInput, pageOf, readCursor, readProcedure, router, toDto } from '@wmsi/trpc';
import { z } from 'zod';
import { findAdjustment } from './adjustments.js';
import { recordCycleCount } from './cycle-counts.js';
import { reconcile } from './reconciliation.js';

/** ERP identifiers as a scanner or a person types them: trimmed, never empty, bounded. */
const erpId = z.string().trim().min(1).max(100);

/** A reconciliation cursor's key: the last place's (inventory_id, warehouse, location). */
const placeKey = z.tuple([keyPart.text, keyPart.text, keyPart.text]);

export const adjustmentsRouter = router({
  /** The adjustment with its lines (removed ones included, with `removedAt`), or `null` if never received. */
  adjustment: readProcedure.input(z.object({ referenceNbr: erpId })).query(async ({ ctx, input }) => {
    const found = await findAdjustment(ctx.db, input.referenceNbr);
    if (found === undefined) return null;
    const { lines, ...header } = found;
    return { ...toDto(header), lines: lines.map((line) => toDto(line)) };
  }),

  /**
   * Records a cycle count. `qty` is the signed DIFFERENCE found against what the location should
   * hold (+2 = two more than expected, -1 = one short, 0 = right), the same sign and meaning as an
   * ERP adjustment line's Qty, so `reconciliation` can set the two against each other.
   */
  recordCount: handheldProcedure
    .input(
      z.object({
        inventoryId: erpId,
        warehouse: erpId,
        // Absent or blank: the warehouse does not use locations.
        location: z.string().trim().max(100).optional(),
        qty: z.number().finite().min(-1_000_000_000).max(1_000_000_000),
        /** The client's id of this tap: a retry with it records nothing more. */
        operationId: z.string().trim().min(1).max(100).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { count, replayed } = await recordCycleCount(ctx.db, {
        inventoryId: input.inventoryId,
        warehouse: input.warehouse,
        location: input.location ?? '',
        qty: String(input.qty),
        tokenId: ctx.caller.tokenId,
        operationId: input.operationId,
      });
      return { ...toDto(count), replayed };
    }),

  /**
   * Per place: counted difference, ERP released adjusted qty and their variance, as decimal
   * strings, in (inventoryId, warehouse, location) order, a page at a time: `nextCursor` asks for
   * the next page, null on the last.
   */
  reconciliation: readProcedure
    .input(z.object({ warehouse: erpId.optional(), ...pageInput }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => {
      const after = readCursor(input.cursor, placeKey, 'adjustments.reconciliation');
      const places = await reconcile(ctx.db, { warehouse: input.warehouse, after, limit: input.limit + 1 });
      return pageOf(places.map((place) => toDto(place)), input.limit, (place) => [place.inventoryId, place.warehouse, place.location]);
    }),
});
