import { topicTables, type TopicTables } from '@wmsi/changes';

/** Inventory adjustments and their lines: released ERP quantity changes for reconciliation. */
export const inventoryAdjustmentTables = topicTables('inventory-adjustments', {
  document: 'inventory_adjustments',
  lines: 'inventory_adjustment_lines',
});

/** The topics the adjustments worker applies. */
export const adjustmentsTables: readonly TopicTables[] = [inventoryAdjustmentTables];

export { adjustmentsRouter } from './router.js';
export { findAdjustment, type InventoryAdjustment, type InventoryAdjustmentLine } from './adjustments.js';
export { recordCycleCount, type CycleCount, type NewCycleCount } from './cycle-counts.js';
export { reconcile, type ReconciledPlace } from './reconciliation.js';
