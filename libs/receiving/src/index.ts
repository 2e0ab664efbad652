import { TOPIC_TABLES, type TopicTables } from '@wmsi/db';

/** Purchase orders and their lines: what the receiving dock expects. */
export const purchaseOrderTables = TOPIC_TABLES['purchase-orders'];

/** The topics the receiving worker applies. */
export const receivingTables: readonly TopicTables[] = [purchaseOrderTables];

export { receivingRouter, type ReceivingRouter } from './router.js';
export { findPurchaseOrder, listExpected, type ExpectedQuery, type PurchaseOrderKey } from './purchase-orders.js';
export { recordReceipt, type ReceiptRequest } from './receipts.js';
