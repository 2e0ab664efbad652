import type { Database } from '@wmsi/db';
import { sql } from 'kysely';
import { openToReceive, receivedInWms } from './line-figures.js';

export interface PurchaseOrderKey {
  orderType: string;
  orderNbr: string;
}

/** PO lines (alias `l`) with their order (alias `po`) and what is still to receive on them. */
function linesWithFigures(db: Database) {
  return db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('purchase_orders as po', (join) => join.onRef('po.order_type', '=', 'l.order_type').onRef('po.order_nbr', '=', 'l.order_nbr'))
    .selectAll('l')
    .select([receivedInWms.as('received_in_wms'), openToReceive.as('open_to_receive')]);
}

export type PurchaseOrderLineWithFigures = Awaited<ReturnType<ReturnType<typeof linesWithFigures>['execute']>>[number];

/**
 * A PO as last applied, removed or not, with every line in line order; undefined when it was never
 * received. Read in one snapshot so the header and its lines are from the same applied state.
 */
export async function findPurchaseOrder(db: Database, key: PurchaseOrderKey) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const header = await trx
        .selectFrom('purchase_orders')
        .selectAll()
        .where('order_type', '=', key.orderType)
        .where('order_nbr', '=', key.orderNbr)
        .executeTakeFirst();
      if (header === undefined) return undefined;
      const lines = await linesWithFigures(trx)
        .where('l.order_type', '=', key.orderType)
        .where('l.order_nbr', '=', key.orderNbr)
        .orderBy('l.line_nbr')
        .execute();
      return { header, lines };
    });
}

export interface ExpectedQuery {
  warehouse?: string;
  /** The (order_type, order_nbr) of the last PO of the previous page. */
  after?: readonly [string, string];
  /** How many POs; the caller asks for one more than a page to know whether another follows. */
  limit: number;
}

/**
 * What the dock is waiting for: open POs with something left to receive, in key order, each with only
 * the lines still open to receive.
 */
export async function listExpected(db: Database, query: ExpectedQuery) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      let headers = trx
        .selectFrom('purchase_orders as po')
        .selectAll('po')
        .where('po.removed_at', 'is', null)
        .where('po.status', '=', 'Open')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('purchase_order_lines as l')
              .select(sql`1`.as('one'))
              .whereRef('l.order_type', '=', 'po.order_type')
              .whereRef('l.order_nbr', '=', 'po.order_nbr')
              .where(sql<boolean>`${openToReceive} > 0`),
          ),
        )
        .orderBy('po.order_type')
        .orderBy('po.order_nbr')
        .limit(query.limit);
      if (query.warehouse !== undefined) headers = headers.where('po.warehouse', '=', query.warehouse);
      const after = query.after;
      if (after !== undefined) headers = headers.where((eb) => eb(eb.refTuple('po.order_type', 'po.order_nbr'), '>', eb.tuple(after[0], after[1])));
      const orders = await headers.execute();
      if (orders.length === 0) return [];

      const lines = await linesWithFigures(trx)
        .where((eb) => eb.or(orders.map((po) => eb.and([eb('l.order_type', '=', po.order_type), eb('l.order_nbr', '=', po.order_nbr)]))))
        .where(sql<boolean>`${openToReceive} > 0`)
        .orderBy('l.order_type')
        .orderBy('l.order_nbr')
        .orderBy('l.line_nbr')
        .execute();
      return orders.map((header) => ({
        header,
        lines: lines.filter((line) => line.order_type === header.order_type && line.order_nbr === header.order_nbr),
      }));
    });
}
