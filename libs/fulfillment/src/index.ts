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

export { fulfillmentRouter, type FulfillmentRouter } from './router.js';
export { findSalesOrder, type SalesOrderKey } from './sales-orders.js';
export { findAssemblyOrder, type AssemblyOrderKey } from './assembly-orders.js';
export { findShipment, listPickList, type PickListQuery } from './shipments.js';
export { recordPick, type PickRequest } from './picks.js';
