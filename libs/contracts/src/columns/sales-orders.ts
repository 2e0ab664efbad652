import { column, lastModified, lineNbr, topicContract } from './column.js';

/** "WMS Sales Orders": one row per SO line; the demand fulfillment plans for. */
export const salesOrderColumns = topicContract('sales-orders', [
  column('orderType', 'id', 'header', 'OrderType', { key: true, fallbacks: ['SOOrder_orderType'] }),
  column('orderNbr', 'id', 'header', 'OrderNbr', { key: true, fallbacks: ['SOOrder_orderNbr'] }),
  column('status', 'label', 'header', 'Status'),
  column('customerId', 'id', 'header', 'CustomerID'),
  column('customerName', 'text', 'header', 'CustomerName'),
  column('date', 'date', 'header', 'Date'),
  column('requestedOn', 'date', 'header', 'RequestedOn'),
  column('shipVia', 'id', 'header', 'ShipVia'),
  column('warehouse', 'id', 'header', 'Warehouse'),
  lineNbr('SOLine'),
  column('inventoryId', 'id', 'line', 'InventoryID'),
  column('lineDescription', 'text', 'line', 'LineDescription'),
  column('uom', 'id', 'line', 'UOM'),
  column('orderQty', 'quantity', 'line', 'OrderQty'),
  column('shippedQty', 'quantity', 'line', 'ShippedQty'),
  column('openQty', 'quantity', 'line', 'OpenQty'),
  lastModified('both', 'SOLine', 'SOOrder'),
]);
