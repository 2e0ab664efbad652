import { TOPIC_TABLES, type TopicTables } from '@wmsi/db';

/** Sales orders: the demand. */
export const salesOrderTables = TOPIC_TABLES['sales-orders'];

/** Shipments: what is picked and shipped. */
export const shipmentTables = TOPIC_TABLES.shipments;

/** Assembly orders: kits built from component lines. */
export const assemblyOrderTables = TOPIC_TABLES['assembly-orders'];

/** The topics the fulfillment worker applies. */
export const fulfillmentTables: readonly TopicTables[] = [salesOrderTables, shipmentTables, assemblyOrderTables];

export { fulfillmentRouter, type FulfillmentRouter } from './router.js';
export { findSalesOrder, type SalesOrderKey } from './sales-orders.js';
export { findAssemblyOrder, type AssemblyOrderKey } from './assembly-orders.js';
export { findShipment, listPickList, type PickListQuery } from './shipments.js';
export { recordPick, type PickRequest } from './picks.js';
