import { handheldProcedure, pageInput, pageOf, readProcedure, router, toDto } from '@wmsi/trpc';
import { z } from 'zod';
import { findAssemblyOrder } from './assembly-orders.js';
import { afterLineKey, erpId, lineNbr, operationId, scanQty } from './inputs.js';
import { recordPick } from './picks.js';
import { findSalesOrder } from './sales-orders.js';
import { findShipment, listPickList } from './shipments.js';

/** Fulfillment: the demand (sales orders), the kits to build, and picking shipments. */
export const fulfillmentRouter = router({
  /** A sales order with its lines; null when never received, `removedAt` set when it left the inquiry. */
  salesOrder: readProcedure.input(z.object({ orderType: erpId, orderNbr: erpId })).query(async ({ ctx, input }) => {
    const found = await findSalesOrder(ctx.db, input);
    return found === undefined ? null : { ...toDto(found.header), lines: found.lines.map((line) => toDto(line)) };
  }),

  /** A shipment with its lines, each with what is picked and left to pick; null when never received. */
  shipment: readProcedure.input(z.object({ shipmentNbr: erpId })).query(async ({ ctx, input }) => {
    const found = await findShipment(ctx.db, input.shipmentNbr);
    return found === undefined ? null : { ...toDto(found.header), lines: found.lines.map((line) => toDto(line)) };
  }),

  /** An assembly order (a kit to build) with its components; null when never received. */
  assemblyOrder: readProcedure.input(z.object({ type: erpId, referenceNbr: erpId })).query(async ({ ctx, input }) => {
    const found = await findAssemblyOrder(ctx.db, input);
    return found === undefined ? null : { ...toDto(found.header), components: found.components.map((component) => toDto(component)) };
  }),

  /** Lines of Open shipments still to pick, a page at a time, optionally for one warehouse. */
  pickList: readProcedure.input(z.object({ warehouse: erpId.optional(), ...pageInput })).query(async ({ ctx, input }) => {
    const lines = await listPickList(ctx.db, { warehouse: input.warehouse, after: afterLineKey(input.cursor), limit: input.limit + 1 });
    return pageOf(
      lines.map((line) => toDto(line)),
      input.limit,
      (line) => [line.shipmentNbr, line.lineNbr],
    );
  }),

  /**
   * Books `qty` picked on a shipment line; refuses more than is left, and lines of shipments not
   * Open. With `operationId`, a retry returns the first result, `replayed: true`.
   */
  pick: handheldProcedure
    .input(z.object({ shipmentNbr: erpId, lineNbr, qty: scanQty, operationId: operationId.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { pick, openToPick, replayed } = await recordPick(ctx.db, { ...input, tokenId: ctx.caller.tokenId });
      return { pick: toDto(pick), openToPick, replayed };
    }),
});

export type FulfillmentRouter = typeof fulfillmentRouter;
