import type { Database } from '@wmsi/db';
import { AppError } from '@wmsi/trpc';
import { sql } from 'kysely';
import { openToReceive, receivedInWms } from './line-figures.js';
import type { PurchaseOrderKey } from './purchase-orders.js';

export interface ReceiptRequest extends PurchaseOrderKey {
  lineNbr: number;
  qty: number;
  /** The client token that scanned it: who received what. */
  tokenId: string;
  /** The client's id of this tap: a retry with it returns the first result and books nothing more. */
  operationId?: string;
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
 * receive the same line at once. A retry with the same operation id returns the first receipt.
 */
export async function recordReceipt(db: Database, request: ReceiptRequest) {
  try {
    return await db.transaction().execute((trx) => receiveInTransaction(trx, request));
  } catch (error) {
    // The same operation id used at the same moment for another line: the other one won.
    if (isOperationClash(error) && request.operationId !== undefined) {
      const earlier = await receiptOfOperation(db, request.operationId);
      if (earlier !== undefined) return replayed(earlier, request);
    }
    throw error;
  }
}

async function receiveInTransaction(trx: Database, request: ReceiptRequest) {
  const where = `${request.orderType} ${request.orderNbr} line ${request.lineNbr}`;
  // Lock the line first, in a statement of its own: every receipt of this line queues here, and the
  // statements below (new snapshots) then see every receipt committed before us, a retry of this
  // very tap included.
  const line = await lineOf(trx, request)
    .select(['l.removed_at as line_removed_at', 'po.removed_at as order_removed_at', 'po.status', 'l.line_completed', 'l.line_canceled'])
    .forUpdate('l')
    .executeTakeFirst();
  if (request.operationId !== undefined) {
    const earlier = await receiptOfOperation(trx, request.operationId);
    if (earlier !== undefined) return replayed(earlier, request);
  }
  if (line === undefined) throw new AppError('NOT_FOUND', `No purchase order line ${where}`);
  const reason = notOpenReason(line);
  if (reason !== undefined) throw new AppError('NOT_OPEN', `Cannot receive into ${where}: ${reason}`);

  const qty = String(request.qty);
  const figures = await lineOf(trx, request)
    .select([
      openToReceive.as('open_qty'),
      receivedInWms.as('pending'),
      sql<string>`coalesce(l.received_qty, 0)`.as('erp_received'),
      sql<boolean>`${qty}::numeric > ${openToReceive}`.as('too_much'),
      sql<string>`${openToReceive} - ${qty}::numeric`.as('open_after'),
    ])
    .executeTakeFirstOrThrow();
  if (figures.too_much) throw new AppError('MORE_THAN_OPEN', `Only ${figures.open_qty} left to receive on ${where}`, { openQty: figures.open_qty });

  const receipt = await trx
    .insertInto('receipts')
    .values({
      order_type: request.orderType,
      order_nbr: request.orderNbr,
      line_nbr: request.lineNbr,
      qty,
      token_id: request.tokenId,
      operation_id: request.operationId ?? null,
      erp_received_before: figures.erp_received,
      pending_before: figures.pending,
      open_after: figures.open_after,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { receipt, openToReceive: figures.open_after, replayed: false };
}

function receiptOfOperation(db: Database, operationId: string) {
  return db.selectFrom('receipts').selectAll().where('operation_id', '=', operationId).executeTakeFirst();
}

type Receipt = NonNullable<Awaited<ReturnType<typeof receiptOfOperation>>>;

/** The first result of an operation retried; an id reused for another receipt is refused. */
function replayed(earlier: Receipt, request: ReceiptRequest) {
  const same =
    earlier.order_type === request.orderType &&
    earlier.order_nbr === request.orderNbr &&
    earlier.line_nbr === request.lineNbr &&
    Number(earlier.qty) === request.qty;
  if (!same) {
    throw new AppError('OPERATION_ID_REUSED', `Operation ${request.operationId} already received ${earlier.qty} on ${earlier.order_type} ${earlier.order_nbr} line ${earlier.line_nbr}`, {
      receiptId: earlier.id,
    });
  }
  return { receipt: earlier, openToReceive: earlier.open_after ?? '0', replayed: true };
}

function isOperationClash(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'receipts_by_operation';
}
