import { column, lastModified, topicContract } from './column.js';

/** "WMS Stock Items": the item master, one row per item. */
export const stockItemColumns = topicContract('stock-items', [
  column('inventoryId', 'id', 'header', 'InventoryID', { key: true, fallbacks: ['InventoryItem_inventoryCD'] }),
  column('description', 'text', 'header', 'Description'),
  column('itemStatus', 'label', 'header', 'ItemStatus'),
  column('itemClass', 'id', 'header', 'ItemClass'),
  column('type', 'label', 'header', 'Type'),
  column('baseUnit', 'id', 'header', 'BaseUnit'),
  column('purchaseUnit', 'id', 'header', 'PurchaseUnit'),
  column('salesUnit', 'id', 'header', 'SalesUnit'),
  column('weight', 'quantity', 'header', 'Weight'),
  column('weightUom', 'id', 'header', 'WeightUOM'),
  column('volume', 'quantity', 'header', 'Volume'),
  column('volumeUom', 'id', 'header', 'VolumeUOM'),
  column('barcode', 'id', 'header', 'Barcode'),
  column('lotSerialClass', 'id', 'header', 'LotSerialClass'),
  column('defaultWarehouse', 'id', 'header', 'DefaultWarehouse'),
  lastModified('header', 'InventoryItem'),
]);
