import type { Database } from '@wmsi/db';
import { sql } from 'kysely';
import { openToPick, pickedQty } from './line-figures.js';

/** Shipment lines (alias `l`) with their shipment (alias `s`) and what is picked and left to pick. */
function linesWithFigures(db: Database) {
  return db
    .selectFrom('shipment_lines as l')
    .innerJoin('shipments as s', 's.shipment_nbr', 'l.shipment_nbr')
    .selectAll('l')
    .select([pickedQty.as('picked_qty'), openToPick.as('open_to_pick')]);
}

/**
 * A shipment as last applied, removed or not, with every line in line order and what is picked on
 * each; undefined when it was never received. One snapshot, so the header and lines agree.
 */
export async function findShipment(db: Database, shipmentNbr: string) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const header = await trx.selectFrom('shipments').selectAll().where('shipment_nbr', '=', shipmentNbr).executeTakeFirst();
      if (header === undefined) return undefined;
      const lines = await linesWithFigures(trx).where('l.shipment_nbr', '=', shipmentNbr).orderBy('l.line_nbr').execute();
      return { header, lines };
    });
}

export interface PickListQuery {
  warehouse?: string;
  /** The (shipment_nbr, line_nbr) of the last line of the previous page. */
  after?: readonly [string, number];
  /** How many lines; the caller asks for one more than a page to know whether another follows. */
  limit: number;
}

/**
 * What pickers still have to pick: the lines of Open shipments with something left to pick, in
 * shipment and line order, each with the shipment fields a picker needs (where it goes, how).
 */
export async function listPickList(db: Database, query: PickListQuery) {
  let lines = linesWithFigures(db)
    .select(['s.warehouse', 's.customer_id', 's.ship_via', 's.shipment_date'])
    .where('s.removed_at', 'is', null)
    .where('s.status', '=', 'Open')
    .where('l.removed_at', 'is', null)
    .where(sql<boolean>`${openToPick} > 0`)
    .orderBy('l.shipment_nbr')
    .orderBy('l.line_nbr')
    .limit(query.limit);
  if (query.warehouse !== undefined) lines = lines.where('s.warehouse', '=', query.warehouse);
  const after = query.after;
  if (after !== undefined) lines = lines.where((eb) => eb(eb.refTuple('l.shipment_nbr', 'l.line_nbr'), '>', eb.tuple(after[0], after[1])));
  return lines.execute();
}
