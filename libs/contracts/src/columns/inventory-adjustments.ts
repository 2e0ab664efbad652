import { column, lastModified, lineNbr, topicContract } from './column.js';

/** "WMS Inventory Adjustments": one row per adjustment line; feeds cycle-count reconciliation. */
export const inventoryAdjustmentColumns = topicContract('inventory-adjustments', [
  column('referenceNbr', 'id', 'header', 'ReferenceNbr', { key: true, fallbacks: ['INRegister_refNbr'] }),
  column('status', 'label', 'header', 'Status'),
  column('date', 'date', 'header', 'Date'),
  column('description', 'text', 'header', 'Description'),
  // The physical inventory count that produced the adjustment; null for a manual one.
  column('piId', 'id', 'header', 'PIID'),
  lineNbr('INTran'),
  column('inventoryId', 'id', 'line', 'InventoryID'),
  column('warehouse', 'id', 'line', 'Warehouse'),
  column('location', 'id', 'line', 'Location'),
  // Signed: a negative quantity takes stock out.
  column('qty', 'quantity', 'line', 'Qty'),
  column('uom', 'id', 'line', 'UOM'),
  column('reasonCode', 'id', 'line', 'ReasonCode'),
  lastModified('both', 'INTran', 'INRegister'),
]);
