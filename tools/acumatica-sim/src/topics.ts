import type { Topic } from '@wmsi/contracts';
import type { Random } from './random.js';

/** A row as Acumatica sends it: inquiry captions to values. */
export type Fields = Record<string, unknown>;

const ITEMS = ['AALEGO500', 'AACOMPUT01', 'CONAIRT1', 'CONGRILL', 'FOODCHICK', 'APJAM08', 'BLENDERMX', 'DESKLAMP01'];
const WAREHOUSES = ['MAIN', 'EAST', 'WEST'];
const quantity = (random: Random) => random.int(1, 400) / 4;

/**
 * How the ERP builds and changes one kind of document. `statuses` is the workflow, in order;
 * `check` names the canonical line (or item) field and DB column a test compares to the oracle.
 */
export interface TopicModel {
  topic: Topic;
  query: string;
  /** Captions of the document key, in row-key order (LineNbr follows for line topics). */
  keyCaptions: readonly string[];
  hasLines: boolean;
  statuses: readonly string[];
  statusCaption: string;
  newHeader(random: Random, number: number): Fields;
  newLine(random: Random): Fields;
  /** A changed line: what a user edits (a quantity). */
  editLine(random: Random, line: Fields): Fields;
  /** A header edit that is not a status change. */
  editHeader(random: Random, header: Fields): Fields;
  /** The line (or item) caption whose value the oracle checks, and its table and column. */
  check: { caption: string; table: string; column: string; documentTable: string };
}

const poLine = (random: Random): Fields => {
  const orderQty = quantity(random);
  return { InventoryID: random.pick(ITEMS), LineDescription: 'Simulated line', UOM: 'EA', OrderQty: orderQty, ReceivedQty: 0, OpenQty: orderQty, LineCompleted: false, LineCanceled: false };
};

export const TOPIC_MODELS: Record<Topic, TopicModel> = {
  'purchase-orders': {
    topic: 'purchase-orders',
    query: 'WMS Purchase Orders',
    keyCaptions: ['OrderType', 'OrderNbr'],
    hasLines: true,
    statuses: ['On Hold', 'Open', 'Completed'],
    statusCaption: 'Status',
    newHeader: (random, n) => ({ OrderType: 'Normal', OrderNbr: `SPO${n}`, Status: 'On Hold', VendorID: 'V000001', VendorName: 'Acme Supplies Ltd.', Date: '2026-11-26T00:00:00', PromisedOn: '2026-12-03T00:00:00', Warehouse: random.pick(WAREHOUSES) }),
    newLine: poLine,
    editLine: (random, line) => {
      const received = Math.min(Number(line.OrderQty), Number(line.ReceivedQty) + random.int(1, 20));
      return { ...line, ReceivedQty: received, OpenQty: Number(line.OrderQty) - received };
    },
    editHeader: (random, header) => ({ ...header, PromisedOn: `2026-12-${String(random.int(1, 28)).padStart(2, '0')}T00:00:00` }),
    check: { caption: 'OpenQty', table: 'purchase_order_lines', column: 'open_qty', documentTable: 'purchase_orders' },
  },
  'stock-items': {
    topic: 'stock-items',
    query: 'WMS Stock Items',
    keyCaptions: ['InventoryID'],
    hasLines: false,
    statuses: ['Active', 'No Sales', 'Inactive'],
    statusCaption: 'ItemStatus',
    newHeader: (random, n) => ({ InventoryID: `SITEM${n}`, Description: 'Simulated item', ItemStatus: 'Active', ItemClass: 'STOCKITEM', Type: 'Finished Good', BaseUnit: 'EA', Weight: quantity(random), Barcode: `9${String(n).padStart(12, '0')}`, DefaultWarehouse: random.pick(WAREHOUSES) }),
    newLine: () => ({}),
    editLine: (_, line) => line,
    editHeader: (random, header) => ({ ...header, Description: `Simulated item, rev ${random.int(1, 999)}` }),
    check: { caption: 'Description', table: 'stock_items', column: 'description', documentTable: 'stock_items' },
  },
  'sales-orders': {
    topic: 'sales-orders',
    query: 'WMS Sales Orders',
    keyCaptions: ['OrderType', 'OrderNbr'],
    hasLines: true,
    statuses: ['Open', 'Shipping', 'Completed'],
    statusCaption: 'Status',
    newHeader: (random, n) => ({ OrderType: 'SO', OrderNbr: `SSO${n}`, Status: 'Open', CustomerID: 'C000042', CustomerName: 'Jersey Central', Date: '2026-11-26T00:00:00', ShipVia: 'UPSGROUND', Warehouse: random.pick(WAREHOUSES) }),
    newLine: (random) => {
      const orderQty = quantity(random);
      return { InventoryID: random.pick(ITEMS), UOM: 'EA', OrderQty: orderQty, ShippedQty: 0, OpenQty: orderQty };
    },
    editLine: (random, line) => {
      const shipped = Math.min(Number(line.OrderQty), Number(line.ShippedQty) + random.int(1, 20));
      return { ...line, ShippedQty: shipped, OpenQty: Number(line.OrderQty) - shipped };
    },
    editHeader: (random, header) => ({ ...header, ShipVia: random.pick(['UPSGROUND', 'FEDEX2DAY', 'LOCAL']) }),
    check: { caption: 'OpenQty', table: 'sales_order_lines', column: 'open_qty', documentTable: 'sales_orders' },
  },
  shipments: {
    topic: 'shipments',
    query: 'WMS Shipments',
    keyCaptions: ['ShipmentNbr'],
    hasLines: true,
    statuses: ['Open', 'Confirmed', 'Completed'],
    statusCaption: 'Status',
    newHeader: (random, n) => ({ ShipmentNbr: `SSH${n}`, Type: 'Shipment', Status: 'Open', ShipmentDate: '2026-11-27T00:00:00', CustomerID: 'C000042', Warehouse: random.pick(WAREHOUSES), ShipVia: 'UPSGROUND' }),
    newLine: (random) => ({ OrderType: 'SO', OrderNbr: 'SO000417', InventoryID: random.pick(ITEMS), UOM: 'EA', ShippedQty: quantity(random), Location: `R${random.int(1, 9)}S1` }),
    editLine: (random, line) => ({ ...line, ShippedQty: quantity(random) }),
    editHeader: (random, header) => ({ ...header, ShipVia: random.pick(['UPSGROUND', 'FEDEX2DAY', 'LOCAL']) }),
    check: { caption: 'ShippedQty', table: 'shipment_lines', column: 'shipped_qty', documentTable: 'shipments' },
  },
  'assembly-orders': {
    topic: 'assembly-orders',
    query: 'WMS Assembly Orders',
    keyCaptions: ['Type', 'ReferenceNbr'],
    hasLines: true,
    statuses: ['On Hold', 'Balanced', 'Released'],
    statusCaption: 'Status',
    newHeader: (random, n) => ({ Type: 'Assembly', ReferenceNbr: `SAS${n}`, Status: 'On Hold', Date: '2026-11-26T00:00:00', KitInventoryID: 'KITGIFT01', Warehouse: random.pick(WAREHOUSES), Qty: random.int(1, 50), UOM: 'EA' }),
    newLine: (random) => ({ ComponentID: random.pick(ITEMS), ComponentQty: quantity(random), ComponentUOM: 'EA' }),
    editLine: (random, line) => ({ ...line, ComponentQty: quantity(random) }),
    editHeader: (random, header) => ({ ...header, Qty: random.int(1, 50) }),
    check: { caption: 'ComponentQty', table: 'assembly_order_components', column: 'component_qty', documentTable: 'assembly_orders' },
  },
  'inventory-adjustments': {
    topic: 'inventory-adjustments',
    query: 'WMS Inventory Adjustments',
    keyCaptions: ['ReferenceNbr'],
    hasLines: true,
    statuses: ['On Hold', 'Balanced', 'Released'],
    statusCaption: 'Status',
    newHeader: (random, n) => ({ ReferenceNbr: `SADJ${n}`, Status: 'On Hold', Date: '2026-11-26T00:00:00', Description: 'Cycle count', PIID: random.chance(0.5) ? `PI${random.int(1, 99)}` : null }),
    newLine: (random) => ({ InventoryID: random.pick(ITEMS), Warehouse: random.pick(WAREHOUSES), Location: `R${random.int(1, 9)}S1`, Qty: (random.chance(0.5) ? -1 : 1) * quantity(random), UOM: 'EA', ReasonCode: 'PHYSICAL' }),
    editLine: (random, line) => ({ ...line, Qty: (random.chance(0.5) ? -1 : 1) * quantity(random) }),
    editHeader: (random, header) => ({ ...header, Description: `Cycle count ${random.int(1, 99)}` }),
    check: { caption: 'Qty', table: 'inventory_adjustment_lines', column: 'qty', documentTable: 'inventory_adjustments' },
  },
};
