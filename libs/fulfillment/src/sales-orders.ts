import type { Database } from '@wmsi/db';

export interface SalesOrderKey {
  orderType: string;
  orderNbr: string;
}

/**
 * A sales order as last applied, removed or not, with every line in line order; undefined when it
 * was never received. One snapshot, so the header and its lines are from the same applied state.
 */
export async function findSalesOrder(db: Database, key: SalesOrderKey) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const header = await trx
        .selectFrom('sales_orders')
        .selectAll()
        .where('order_type', '=', key.orderType)
        .where('order_nbr', '=', key.orderNbr)
        .executeTakeFirst();
      if (header === undefined) return undefined;
      const lines = await trx
        .selectFrom('sales_order_lines')
        .selectAll()
        .where('order_type', '=', key.orderType)
        .where('order_nbr', '=', key.orderNbr)
        .orderBy('line_nbr')
        .execute();
      return { header, lines };
    });
}
