import { handheldProcedure, pageInput, pageOf, readProcedure, router, toDto } from '@wmsi/trpc';
import { z } from 'zod';
import { afterOrderKey, erpId, lineNbr, operationId, scanQty } from './inputs.js';
import { findPurchaseOrder, listExpected, type PurchaseOrderLineWithFigures } from './purchase-orders.js';
import { recordReceipt } from './receipts.js';

const purchaseOrderKey = { orderType: erpId, orderNbr: erpId };

function withLines<Header extends Record<string, unknown>>(found: { header: Header; lines: PurchaseOrderLineWithFigures[] }) {
  return { ...toDto(found.header), lines: found.lines.map((line) => toDto(line)) };
}

/** The receiving dock: what is expected, what a PO looks like now, and booking what arrived. */
export const receivingRouter = router({
  /** A PO with its lines; null when never received, `removedAt` set when it left the inquiry. */
  purchaseOrder: readProcedure.input(z.object(purchaseOrderKey)).query(async ({ ctx, input }) => {
    const found = await findPurchaseOrder(ctx.db, input);
    return found === undefined ? null : withLines(found);
  }),

  /** Open POs with something left to receive, each with its open lines, a page at a time. */
  expected: readProcedure.input(z.object({ warehouse: erpId.optional(), ...pageInput })).query(async ({ ctx, input }) => {
    const orders = await listExpected(ctx.db, { warehouse: input.warehouse, after: afterOrderKey(input.cursor), limit: input.limit + 1 });
    return pageOf(orders.map(withLines), input.limit, (order) => [order.orderType, order.orderNbr]);
  }),

  /**
   * Books `qty` received on a PO line; refuses more than is open, and lines that take no receipt.
   * With `operationId`, a retry (a handheld on bad Wi-Fi) returns the first result, `replayed: true`.
   */
  receive: handheldProcedure
    .input(z.object({ ...purchaseOrderKey, lineNbr, qty: scanQty, operationId: operationId.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { receipt, openToReceive, replayed } = await recordReceipt(ctx.db, { ...input, tokenId: ctx.caller.tokenId });
      return { receipt: toDto(receipt), openToReceive, replayed };
    }),
});

export type ReceivingRouter = typeof receivingRouter;
