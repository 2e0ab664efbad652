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
 * of pickers scan the same line at once.
 */
export async function recordPick(db: Database, request: PickRequest) {
  return db.transaction().execute(async (trx) => {
    const where = `shipment ${request.shipmentNbr} line ${request.lineNbr}`;
    // Lock the line first, in a statement of its own: every pick of this line queues here, and the
    // sum below (a new statement, so a new snapshot) then sees every pick committed before us. A sum
    // in this same statement would use the snapshot taken before the wait and miss them.
    const line = await lineOf(trx, request)
      .select(['l.removed_at as line_removed_at', 's.removed_at as shipment_removed_at', 's.status'])
      .forUpdate('l')
      .executeTakeFirst();
    if (line === undefined) throw new AppError('NOT_FOUND', `No ${where}`);
    const reason = notOpenReason(line);
    if (reason !== undefined) throw new AppError('NOT_OPEN', `Cannot pick from ${where}: ${reason}`);

    const { open_qty: openQty, too_much: tooMuch } = await lineOf(trx, request)
      .select([openToPick.as('open_qty'), sql<boolean>`${request.qty}::numeric > ${openToPick}`.as('too_much')])
      .executeTakeFirstOrThrow();
    if (tooMuch) throw new AppError('MORE_THAN_OPEN', `Only ${openQty} left to pick on ${where}`, { openQty });

    const pick = await trx
      .insertInto('picks')
      .values({ shipment_nbr: request.shipmentNbr, line_nbr: request.lineNbr, qty: request.qty, token_id: request.tokenId })
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = await lineOf(trx, request).select(openToPick.as('open_qty')).executeTakeFirstOrThrow();
    return { pick, openToPick: after.open_qty };
  });
}
