import { column, lastModified, lineNbr, topicContract } from './column.js';

/** "WMS Assembly Orders": kit assembly documents, one row per component line. */
export const assemblyOrderColumns = topicContract('assembly-orders', [
  column('type', 'label', 'header', 'Type', { key: true, fallbacks: ['INKitRegister_docType'] }),
  column('referenceNbr', 'id', 'header', 'ReferenceNbr', { key: true, fallbacks: ['INKitRegister_refNbr'] }),
  column('status', 'label', 'header', 'Status'),
  column('date', 'date', 'header', 'Date'),
  column('kitInventoryId', 'id', 'header', 'KitInventoryID'),
  column('warehouse', 'id', 'header', 'Warehouse'),
  column('qty', 'quantity', 'header', 'Qty'),
  column('uom', 'id', 'header', 'UOM'),
  lineNbr('INComponentTran'),
  column('componentId', 'id', 'line', 'ComponentID'),
  column('componentQty', 'quantity', 'line', 'ComponentQty'),
  column('componentUom', 'id', 'line', 'ComponentUOM'),
  lastModified('both', 'INComponentTran', 'INKitRegister'),
]);
