import { sql } from 'kysely';

// What the dock may still receive on a PO line, in SQL, for queries over
// `purchase_order_lines as l` joined with `purchase_orders as po` (the aliases are part of the contract).
//
// The ERP's OpenQty already counts every receipt the ERP knows of. WMSi's own receipts reach the ERP
// later (someone enters or imports them there), so a WMS receipt counts against the ERP figure only
// while it is newer than the ERP transaction that wrote the line's current state: once a newer state
// arrives, the receipts recorded before it are taken to be in its OpenQty already.

/** The ERP time of the line's current state: its TimeStamp is .NET ticks (100 ns since 0001-01-01 UTC). */
const lineStateTime = sql<Date>`to_timestamp((l.source_timestamp - 621355968000000000) / 10000000.0)`;

/** WMS receipts recorded since the line's current ERP state, i.e. not yet in its OpenQty. */
export const receivedInWms = sql<string>`coalesce((
  select sum(r.qty) from receipts r
  where r.order_type = l.order_type and r.order_nbr = l.order_nbr and r.line_nbr = l.line_nbr
    and r.recorded_at > ${lineStateTime}), 0)`;

/** A line the dock may receive into: it and its order are in the inquiry, the order is Open, the line neither completed nor canceled. */
export const receivable = sql<boolean>`(l.removed_at is null and po.removed_at is null and po.status = 'Open'
  and l.line_completed is not true and l.line_canceled is not true)`;

/** What `receive` would accept right now: 0 on a line that is not receivable, never below 0. */
export const openToReceive = sql<string>`(case when ${receivable}
  then greatest(coalesce(l.open_qty, 0) - ${receivedInWms}, 0) else 0 end)`;
