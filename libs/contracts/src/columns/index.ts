import type { Topic } from '../topics.js';
import { assemblyOrderColumns } from './assembly-orders.js';
import type { TopicContract } from './column.js';
import { inventoryAdjustmentColumns } from './inventory-adjustments.js';
import { purchaseOrderColumns } from './purchase-orders.js';
import { salesOrderColumns } from './sales-orders.js';
import { shipmentColumns } from './shipments.js';
import { stockItemColumns } from './stock-items.js';

export { COLUMN_KINDS, type ColumnContract, type ColumnKind, type ColumnLevel, type TopicContract } from './column.js';

export const COLUMN_CONTRACTS: Readonly<Record<Topic, TopicContract>> = {
  'purchase-orders': purchaseOrderColumns,
  'stock-items': stockItemColumns,
  'sales-orders': salesOrderColumns,
  shipments: shipmentColumns,
  'assembly-orders': assemblyOrderColumns,
  'inventory-adjustments': inventoryAdjustmentColumns,
};

export function columnsOf(topic: Topic): TopicContract {
  return COLUMN_CONTRACTS[topic];
}
