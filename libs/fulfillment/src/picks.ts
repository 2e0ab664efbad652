import type { Database } from '@wmsi/db';
import { AppError } from '@wmsi/trpc';
import { sql } from 'kysely';
import { openToPick } from './line-figures.js';

export interface PickRequest {
  shipmentNbr: string;
  lineNbr: number;
  qty: number;
  /** The client token that scanned it: who picked what. */
  tokenId: string;
  /** The client's id of this tap: a retry with it returns the first result and books nothing more. */
  operationId?: string;
}

/** The line (alias `l`) with its shipment (alias `s`); works inside a transaction too. */
function lineOf(db: Database, request: PickRequest) {
  return db
    .selectFrom('shipment_lines as l')
    .innerJoin('shipments as s', 's.shipment_nbr', 'l.shipment_nbr')
    .where('l.shipment_nbr', '=', request.shipmentNbr)
    .where('l.line_nbr', '=', request.lineNbr);
}

/** Why a line takes no pick, or undefined when it is open. */
function notOpenReason(line: { line_removed_at: Date | null; shipment_removed_at: Date | null; status: string | null }): string | undefined {
  if (line.shipment_removed_at !== null) return 'the shipment was removed';
  if (line.line_removed_at !== null) return 'the line was removed';
  if (line.status !== 'Open') return `the shipment is ${line.status ?? 'without a status'}, not Open`;
  return undefined;
}

/**
 * Records a pick against a shipment line, never beyond what is left to pick on it, whatever number
 * of pickers scan the same line at once. A retry with the same operation id returns the first pick.
 */
export async function recordPick(db: Database, request: PickRequest) {
  try {
    return await db.transaction().execute((trx) => pickInTransaction(trx, request));
  } catch (error) {
    // The same operation id used at the same moment for another line: the other one won.
    if (isOperationClash(error) && request.operationId !== undefined) {
      const earlier = await pickOfOperation(db, request.operationId);
      if (earlier !== undefined) return replayed(earlier, request);
    }
    throw error;
  }
}

async function pickInTransaction(trx: Database, request: PickRequest) {
  const where = `shipment ${request.shipmentNbr} line ${request.lineNbr}`;
  // Lock the line first, in a statement of its own: every pick of this line queues here, and the
  // statements below (new snapshots) then see every pick committed before us, a retry of this very
  // tap included.
  const line = await lineOf(trx, request)
    .select(['l.removed_at as line_removed_at', 's.removed_at as shipment_removed_at', 's.status'])
    .forUpdate('l')
    .executeTakeFirst();
  if (request.operationId !== undefined) {
    const earlier = await pickOfOperation(trx, request.operationId);
    if (earlier !== undefined) return replayed(earlier, request);
  }
  if (line === undefined) throw new AppError('NOT_FOUND', `No ${where}`);
  const reason = notOpenReason(line);
  if (reason !== undefined) throw new AppError('NOT_OPEN', `Cannot pick from ${where}: ${reason}`);

  const qty = String(request.qty);
  const figures = await lineOf(trx, request)
    .select([
      openToPick.as('open_qty'),
      sql<boolean>`${qty}::numeric > ${openToPick}`.as('too_much'),
      sql<string>`${openToPick} - ${qty}::numeric`.as('open_after'),
    ])
    .executeTakeFirstOrThrow();
  if (figures.too_much) throw new AppError('MORE_THAN_OPEN', `Only ${figures.open_qty} left to pick on ${where}`, { openQty: figures.open_qty });

  const pick = await trx
    .insertInto('picks')
    .values({
      shipment_nbr: request.shipmentNbr,
      line_nbr: request.lineNbr,
      qty,
      token_id: request.tokenId,
      operation_id: request.operationId ?? null,
      open_after: figures.open_after,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { pick, openToPick: figures.open_after, replayed: false };
}

function pickOfOperation(db: Database, operationId: string) {
  return db.selectFrom('picks').selectAll().where('operation_id', '=', operationId).executeTakeFirst();
}

type Pick = NonNullable<Awaited<ReturnType<typeof pickOfOperation>>>;

/** The first result of an operation retried; an id reused for another pick is refused. */
function replayed(earlier: Pick, request: PickRequest) {
  const same = earlier.shipment_nbr === request.shipmentNbr && earlier.line_nbr === request.lineNbr && Number(earlier.qty) === request.qty;
  if (!same) {
    throw new AppError('OPERATION_ID_REUSED', `Operation ${request.operationId} already picked ${earlier.qty} on shipment ${earlier.shipment_nbr} line ${earlier.line_nbr}`, {
      pickId: earlier.id,
    });
  }
  return { pick: earlier, openToPick: earlier.open_after ?? '0', replayed: true };
}

function isOperationClash(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'picks_by_operation';
}
