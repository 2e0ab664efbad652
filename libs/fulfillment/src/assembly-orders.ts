import type { Database } from '@wmsi/db';

export interface AssemblyOrderKey {
  type: string;
  referenceNbr: string;
}

/**
 * An assembly order as last applied, removed or not, with every component line in line order;
 * undefined when it was never received. One snapshot, so the kit and its components agree.
 */
export async function findAssemblyOrder(db: Database, key: AssemblyOrderKey) {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const header = await trx
        .selectFrom('assembly_orders')
        .selectAll()
        .where('type', '=', key.type)
        .where('reference_nbr', '=', key.referenceNbr)
        .executeTakeFirst();
      if (header === undefined) return undefined;
      const components = await trx
        .selectFrom('assembly_order_components')
        .selectAll()
        .where('type', '=', key.type)
        .where('reference_nbr', '=', key.referenceNbr)
        .orderBy('line_nbr')
        .execute();
      return { header, components };
    });
}
