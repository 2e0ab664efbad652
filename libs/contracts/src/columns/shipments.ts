import { column, lastModified, lineNbr, topicContract } from './column.js';

/** "WMS Shipments": one row per shipment line; drives picking and shipping. */
export const shipmentColumns = topicContract('shipments', [
  column('shipmentNbr', 'id', 'header', 'ShipmentNbr', { key: true, fallbacks: ['SOShipment_shipmentNbr'] }),
  column('type', 'label', 'header', 'Type'),
  column('status', 'label', 'header', 'Status'),
  column('shipmentDate', 'date', 'header', 'ShipmentDate'),
  column('customerId', 'id', 'header', 'CustomerID'),
  column('warehouse', 'id', 'header', 'Warehouse'),
  column('shipVia', 'id', 'header', 'ShipVia'),
  lineNbr('SOShipLine'),
  // The sales order a shipment line comes from.
  column('orderType', 'id', 'line', 'OrderType'),
  column('orderNbr', 'id', 'line', 'OrderNbr'),
  column('inventoryId', 'id', 'line', 'InventoryID'),
  column('lineDescription', 'text', 'line', 'LineDescription'),
  column('uom', 'id', 'line', 'UOM'),
  column('shippedQty', 'quantity', 'line', 'ShippedQty'),
  column('location', 'id', 'line', 'Location'),
  column('lotSerialNbr', 'id', 'line', 'LotSerialNbr'),
  lastModified('both', 'SOShipLine', 'SOShipment'),
]);
