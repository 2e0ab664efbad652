import { topicTables, type TopicTables } from '@wmsi/changes';

/** Sales orders: the demand. */
export const salesOrderTables = topicTables('sales-orders', { document: 'sales_orders', lines: 'sales_order_lines' });

/** Shipments: what is picked and shipped. */
export const shipmentTables = topicTables('shipments', { document: 'shipments', lines: 'shipment_lines' });

/** Assembly orders: kits built from component lines. */
export const assemblyOrderTables = topicTables('assembly-orders', {
  document: 'assembly_orders',
  lines: 'assembly_order_components',
});

/** The topics the fulfillment worker applies. */
export const fulfillmentTables: readonly TopicTables[] = [salesOrderTables, shipmentTables, assemblyOrderTables];
