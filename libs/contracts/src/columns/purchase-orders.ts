import { column, lastModified, lineNbr, topicContract } from './column.js';

/** "WMS Purchase Orders": one row per PO line, header columns repeated; drives receiving. */
export const purchaseOrderColumns = topicContract('purchase-orders', [
  column('orderType', 'label', 'header', 'OrderType', { key: true, fallbacks: ['POOrder_orderType'] }),
  column('orderNbr', 'id', 'header', 'OrderNbr', { key: true, fallbacks: ['POOrder_orderNbr'] }),
  column('status', 'label', 'header', 'Status'),
  column('vendorId', 'id', 'header', 'VendorID'),
  column('vendorName', 'text', 'header', 'VendorName'),
  column('date', 'date', 'header', 'Date'),
  column('promisedOn', 'date', 'header', 'PromisedOn'),
  column('warehouse', 'id', 'header', 'Warehouse'),
  lineNbr('POLine'),
  column('inventoryId', 'id', 'line', 'InventoryID'),
  column('lineDescription', 'text', 'line', 'LineDescription'),
  column('uom', 'id', 'line', 'UOM'),
  column('orderQty', 'quantity', 'line', 'OrderQty'),
  column('receivedQty', 'quantity', 'line', 'ReceivedQty'),
  column('openQty', 'quantity', 'line', 'OpenQty'),
  column('lineCompleted', 'boolean', 'line', 'LineCompleted'),
  column('lineCanceled', 'boolean', 'line', 'LineCanceled'),
  lastModified('both', 'POLine', 'POOrder'),
]);
