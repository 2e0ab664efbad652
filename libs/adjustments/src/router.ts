import { handheldProcedure, readProcedure, router, toDto } from '@wmsi/trpc';
import { z } from 'zod';
import { findAdjustment } from './adjustments.js';
import { recordCycleCount } from './cycle-counts.js';
import { reconcile } from './reconciliation.js';

/** ERP identifiers as a scanner or a person types them: trimmed, never empty, bounded. */
const erpId = z.string().trim().min(1).max(100);

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

  /** Per place: counted difference, ERP released adjusted qty and their variance, as decimal strings. */
  reconciliation: readProcedure
    .input(z.object({ warehouse: erpId.optional() }).default({}))
    .query(async ({ ctx, input }) => (await reconcile(ctx.db, { warehouse: input.warehouse })).map((place) => toDto(place))),
});
