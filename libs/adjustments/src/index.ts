import { TOPIC_TABLES, type TopicTables } from '@wmsi/db';

/** Inventory adjustments and their lines: released ERP quantity changes for reconciliation. */
export const inventoryAdjustmentTables = TOPIC_TABLES['inventory-adjustments'];

/** The topics the adjustments worker applies. */
export const adjustmentsTables: readonly TopicTables[] = [inventoryAdjustmentTables];

export { adjustmentsRouter } from './router.js';
export { findAdjustment, type InventoryAdjustment, type InventoryAdjustmentLine } from './adjustments.js';
export { recordCycleCount, type CycleCount, type NewCycleCount } from './cycle-counts.js';
export { reconcile, type ReconciledPlace } from './reconciliation.js';
