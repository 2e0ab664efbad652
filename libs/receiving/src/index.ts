import { topicTables, type TopicTables } from '@wmsi/changes';

/** Purchase orders and their lines: what the receiving dock expects. */
export const purchaseOrderTables = topicTables('purchase-orders', {
  document: 'purchase_orders',
  lines: 'purchase_order_lines',
});

/** The topics the receiving worker applies. */
export const receivingTables: readonly TopicTables[] = [purchaseOrderTables];

export { receivingRouter, type ReceivingRouter } from './router.js';
export { findPurchaseOrder, listExpected, type ExpectedQuery, type PurchaseOrderKey } from './purchase-orders.js';
export { recordReceipt, type ReceiptRequest } from './receipts.js';
