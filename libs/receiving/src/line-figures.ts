import { sql } from 'kysely';

// What the dock may still receive on a PO line, in SQL, for queries over
// `purchase_order_lines as l` joined with `purchase_orders as po` (the aliases are part of the contract).
//
// The ERP's OpenQty counts every receipt the ERP knows of. WMSi's own receipts reach the ERP later
// (someone enters or imports them there), so a WMS receipt counts against the ERP figure until the
// ERP's own quantities show it: until the line's ReceivedQty has grown past it. Each receipt keeps
// the line's ReceivedQty when it was recorded (`erp_received_before`) and what earlier WMS receipts
// were still waiting for then (`pending_before`): it is in the ERP's figure once ReceivedQty has
// grown by `pending_before + qty` since. Quantities only: no clock is compared, so the ERP's clock
// (its TimeStamps may be the ERP server's local time, hours from ours) cannot re-open a line, and an
// unrelated ERP edit (a new promised date) changes nothing.

/** How much the ERP's ReceivedQty has grown since a receipt (`r`) was recorded. */
const bookedSince = sql<string>`(coalesce(l.received_qty, 0) - r.erp_received_before)`;

/** WMS receipts on the line not yet in the ERP's figures. */
export const receivedInWms = sql<string>`coalesce((
  select sum(greatest(0, least(r.qty, r.pending_before + r.qty - ${bookedSince})))
  from receipts r
  where r.order_type = l.order_type and r.order_nbr = l.order_nbr and r.line_nbr = l.line_nbr), 0)`;

/** A line the dock may receive into: it and its order are in the inquiry, the order is Open, the line neither completed nor canceled. */
export const receivable = sql<boolean>`(l.removed_at is null and po.removed_at is null and po.status = 'Open'
  and l.line_completed is not true and l.line_canceled is not true)`;

/** What `receive` would accept right now: 0 on a line that is not receivable, never below 0. */
export const openToReceive = sql<string>`(case when ${receivable}
  then greatest(coalesce(l.open_qty, 0) - ${receivedInWms}, 0) else 0 end)`;
