import { sql } from 'kysely';

// What is still to pick on a shipment line, in SQL, for queries over `shipment_lines as l` joined
// with `shipments as s` (the aliases are part of the contract).
//
// A shipment line's ShippedQty is what the shipment is to carry; the ERP does not see WMS picks until
// the shipment is confirmed, so every pick recorded against the line counts against it.

/** Quantity picked in WMSi on the line so far. */
export const pickedQty = sql<string>`coalesce((
  select sum(p.qty) from picks p where p.shipment_nbr = l.shipment_nbr and p.line_nbr = l.line_nbr), 0)`;

/** A line a picker may pick: it and its shipment are in the inquiry and the shipment is Open. */
export const pickable = sql<boolean>`(l.removed_at is null and s.removed_at is null and s.status = 'Open')`;

/** What `pick` would accept right now: 0 on a line that is not pickable, never below 0. */
export const openToPick = sql<string>`(case when ${pickable}
  then greatest(coalesce(l.shipped_qty, 0) - ${pickedQty}, 0) else 0 end)`;
