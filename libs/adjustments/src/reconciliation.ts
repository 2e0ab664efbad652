import type { Database } from '@wmsi/db';
import { sql } from 'kysely';

/**
 * One place (item, warehouse, location) as the floor and the ERP each see its corrections. Every
 * quantity is a decimal string, summed in PostgreSQL `numeric`: exact, never through a JS number.
 * (A type, not an interface: `toDto` takes a Record, which an interface does not satisfy.)
 */
export type ReconciledPlace = {
  inventory_id: string;
  warehouse: string;
  /** '' when the warehouse does not use locations. */
  location: string;
  /** Sum of the signed differences the WMS counts found (see `NewCycleCount.qty`). */
  counted_difference: string;
  /** Sum of the signed line Qty of the ERP's released adjustments for the place. */
  erp_adjusted_qty: string;
  /** counted_difference - erp_adjusted_qty: 0 when the ERP booked exactly what the floor found. */
  variance: string;
  /** When the place was last counted; null when it only has ERP adjustments. */
  last_counted_at: Date | null;
  /** The released adjustments that moved the place, in order; empty when it was only counted. */
  reference_nbrs: string[];
};

/** A place's key, the order of the list: (inventory_id, warehouse, location). */
export type PlaceKey = readonly [inventoryId: string, warehouse: string, location: string];

export interface ReconcileOptions {
  warehouse?: string;
  /** The key of the last place of the previous page: only places after it. */
  after?: PlaceKey;
  /** At most this many places (absent: all of them, for a caller that sums the whole list). */
  limit?: number;
}

/**
 * WMS cycle counts against released ERP adjustments, per place, optionally for one warehouse, in
 * place order, a page at a time (keyset: `after` the last place of the previous page).
 *
 * Only adjustments with status 'Released' count: On Hold and Balanced ones have not moved stock in
 * the ERP yet. Removed adjustments and removed lines are left out (they are no longer in the ERP's
 * inquiry). A place that only has counts, or only has adjustments, is listed too: both are
 * differences someone must look at. A line without a location matches counts recorded with ''.
 */
export async function reconcile(db: Database, options: ReconcileOptions = {}): Promise<ReconciledPlace[]> {
  const { warehouse, after, limit } = options;
  const places = db
    .with('counted', (qb) =>
      qb
        .selectFrom('cycle_counts')
        .select((eb) => [
          'inventory_id',
          'warehouse',
          'location',
          eb.fn.sum<string>('qty').as('qty'),
          eb.fn.max('recorded_at').as('last_counted_at'),
        ])
        .$if(warehouse !== undefined, (q) => q.where('warehouse', '=', warehouse as string))
        .$call((q) => (after === undefined ? q : q.where(sql<boolean>`(inventory_id, warehouse, location) > (${after[0]}, ${after[1]}, ${after[2]})`)))
        .groupBy(['inventory_id', 'warehouse', 'location']),
    )
    .with('adjusted', (qb) =>
      qb
        .selectFrom('inventory_adjustment_lines as line')
        .innerJoin('inventory_adjustments as adjustment', 'adjustment.reference_nbr', 'line.reference_nbr')
        .where('adjustment.status', '=', 'Released')
        .where('adjustment.removed_at', 'is', null)
        .where('line.removed_at', 'is', null)
        // A line without an item or warehouse names no place to reconcile.
        .where('line.inventory_id', 'is not', null)
        .where('line.warehouse', 'is not', null)
        .$if(warehouse !== undefined, (q) => q.where('line.warehouse', '=', warehouse as string))
        .$call((q) =>
          after === undefined ? q : q.where(sql<boolean>`(line.inventory_id, line.warehouse, coalesce(line.location, '')) > (${after[0]}, ${after[1]}, ${after[2]})`),
        )
        .select([
          sql<string>`line.inventory_id`.as('inventory_id'),
          sql<string>`line.warehouse`.as('warehouse'),
          sql<string>`coalesce(line.location, '')`.as('location'),
          sql<string>`sum(line.qty)`.as('qty'),
          sql<string[]>`array_agg(distinct line.reference_nbr order by line.reference_nbr)`.as('reference_nbrs'),
        ])
        .groupBy([sql`line.inventory_id`, sql`line.warehouse`, sql`coalesce(line.location, '')`]),
    )
    .selectFrom('counted')
    .fullJoin('adjusted', (join) =>
      join
        .onRef('adjusted.inventory_id', '=', 'counted.inventory_id')
        .onRef('adjusted.warehouse', '=', 'counted.warehouse')
        .onRef('adjusted.location', '=', 'counted.location'),
    )
    .select([
      sql<string>`coalesce(counted.inventory_id, adjusted.inventory_id)`.as('inventory_id'),
      sql<string>`coalesce(counted.warehouse, adjusted.warehouse)`.as('warehouse'),
      sql<string>`coalesce(counted.location, adjusted.location)`.as('location'),
      // trim_scale: 8.5 - 8.5 is numeric 0.0; a client compares '0', not '0.0'.
      sql<string>`trim_scale(coalesce(counted.qty, 0))`.as('counted_difference'),
      sql<string>`trim_scale(coalesce(adjusted.qty, 0))`.as('erp_adjusted_qty'),
      sql<string>`trim_scale(coalesce(counted.qty, 0) - coalesce(adjusted.qty, 0))`.as('variance'),
      sql<Date | null>`counted.last_counted_at`.as('last_counted_at'),
      sql<string[]>`coalesce(adjusted.reference_nbrs, '{}')`.as('reference_nbrs'),
    ]);
  // Both sides are cut at `after` before the join (a place's key is the same on either side), so a
  // page reads only what comes after the previous one.
  return db
    .selectFrom(places.as('place'))
    .selectAll()
    .orderBy('inventory_id')
    .orderBy('warehouse')
    .orderBy('location')
    .$call((q) => (limit === undefined ? q : q.limit(limit)))
    .execute();
}
