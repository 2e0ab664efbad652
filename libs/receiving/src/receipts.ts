import type { Database } from '@wmsi/db';
import { AppError } from '@wmsi/trpc';
import { sql } from 'kysely';
import { openToReceive } from './line-figures.js';
import type { PurchaseOrderKey } from './purchase-orders.js';

export interface ReceiptRequest extends PurchaseOrderKey {
  lineNbr: number;
  qty: number;
  /** The client token that scanned it: who received what. */
  tokenId: string;
}

/** The line (alias `l`) with its order (alias `po`); works inside a transaction too. */
function lineOf(db: Database, request: ReceiptRequest) {
  return db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('purchase_orders as po', (join) => join.onRef('po.order_type', '=', 'l.order_type').onRef('po.order_nbr', '=', 'l.order_nbr'))
    .where('l.order_type', '=', request.orderType)
    .where('l.order_nbr', '=', request.orderNbr)
    .where('l.line_nbr', '=', request.lineNbr);
}

/** Why a line takes no receipt, or undefined when it is open. */
function notOpenReason(line: {
  line_removed_at: Date | null;
  order_removed_at: Date | null;
  status: string | null;
  line_completed: boolean | null;
  line_canceled: boolean | null;
}): string | undefined {
  if (line.order_removed_at !== null) return 'the purchase order was removed';
  if (line.line_removed_at !== null) return 'the line was removed';
  if (line.status !== 'Open') return `the purchase order is ${line.status ?? 'without a status'}, not Open`;
  if (line.line_completed === true) return 'the line is completed';
  if (line.line_canceled === true) return 'the line is canceled';
  return undefined;
}

/**
 * Records a receipt against a PO line, never beyond what is open on it, whatever number of scanners
 * receive the same line at once.
 */
export async function recordReceipt(db: Database, request: ReceiptRequest) {
  return db.transaction().execute(async (trx) => {
    const where = `${request.orderType} ${request.orderNbr} line ${request.lineNbr}`;
    // Lock the line first, in a statement of its own: every receipt of this line queues here, and the
    // sum below (a new statement, so a new snapshot) then sees every receipt committed before us. A
    // sum in this same statement would use the snapshot taken before the wait and miss them.
    const line = await lineOf(trx, request)
      .select(['l.removed_at as line_removed_at', 'po.removed_at as order_removed_at', 'po.status', 'l.line_completed', 'l.line_canceled'])
      .forUpdate('l')
      .executeTakeFirst();
    if (line === undefined) throw new AppError('NOT_FOUND', `No purchase order line ${where}`);
    const reason = notOpenReason(line);
    if (reason !== undefined) throw new AppError('NOT_OPEN', `Cannot receive into ${where}: ${reason}`);

    const { open_qty: openQty, too_much: tooMuch } = await lineOf(trx, request)
      .select([openToReceive.as('open_qty'), sql<boolean>`${request.qty}::numeric > ${openToReceive}`.as('too_much')])
      .executeTakeFirstOrThrow();
    if (tooMuch) throw new AppError('MORE_THAN_OPEN', `Only ${openQty} left to receive on ${where}`, { openQty });

    const receipt = await trx
      .insertInto('receipts')
      .values({
        order_type: request.orderType,
        order_nbr: request.orderNbr,
        line_nbr: request.lineNbr,
        qty: request.qty,
        token_id: request.tokenId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = await lineOf(trx, request).select(openToReceive.as('open_qty')).executeTakeFirstOrThrow();
    return { receipt, openToReceive: after.open_qty };
  });
}
