import { randomUUID } from 'node:crypto';
import { nextTimeStamp } from './timestamps.js';

type RawRow = Record<string, unknown>;

export interface NotificationBodyOptions {
  query: string;
  inserted?: readonly RawRow[];
  deleted?: readonly RawRow[];
  /** Digits of the 64-bit TimeStamp; written into the body as a bare JSON number. */
  timeStamp?: string;
  id?: string;
  companyId?: string;
  additionalInfo?: Record<string, unknown>;
}

/** A notification body as Acumatica writes it, with the TimeStamp exact (never through a JS number). */
export function notificationBody(options: NotificationBodyOptions): string {
  const timeStamp = options.timeStamp ?? nextTimeStamp();
  if (!/^\d+$/.test(timeStamp)) throw new Error(`timeStamp must be digits, got ${timeStamp}`);
  return (
    `{"Inserted":${JSON.stringify(options.inserted ?? [])},` +
    `"Deleted":${JSON.stringify(options.deleted ?? [])},` +
    `"Query":${JSON.stringify(options.query)},` +
    `"CompanyId":${JSON.stringify(options.companyId ?? 'MyTenant')},` +
    `"Id":${JSON.stringify(options.id ?? randomUUID())},` +
    `"TimeStamp":${timeStamp},` +
    `"AdditionalInfo":${JSON.stringify(options.additionalInfo ?? { PXPerformanceInfoStartTime: '03/20/2025 09:22:24' })}}`
  );
}

export interface DocumentBodyOptions {
  /** Lines in Inserted (the state after the transaction). */
  lines?: number;
  /** How many of those lines also arrive in Deleted with their state before: an update of them. */
  deletedLines?: number;
  /** Pad selector values and some column names with spaces, as Acumatica does; the halves differ. */
  trailingSpaces?: boolean;
  timeStamp?: string;
  id?: string;
  companyId?: string;
}

type State = 'before' | 'after';
type LineRow = (lineNbr: number, state: State, pad: (id: string) => string) => RawRow;

let documentSequence = 0;

/** A fresh document number per call, so generated documents never collide within a test run. */
function nextNumber(prefix: string): string {
  documentSequence += 1;
  return `${prefix}${String(documentSequence).padStart(6, '0')}`;
}

const ITEMS = ['AALEGO500', 'AACOMPUT01', 'CONAIRT1', 'CONGRILL', 'FOODCHICK', 'APJAM08', 'BLENDERMX', 'DESKLAMP01'];
const DESCRIPTIONS = ['Lego 500 piece set', 'Acer laptop 14"', 'Air conditioner T1', 'Contact grill', 'Chicken breast, frozen', 'Apricot jam 8 oz', 'Blender, 1.5 l', 'Desk lamp — LED'];
const itemOf = (lineNbr: number) => ITEMS[(lineNbr - 1) % ITEMS.length];
const descriptionOf = (lineNbr: number) => DESCRIPTIONS[(lineNbr - 1) % DESCRIPTIONS.length];
/** Quantities with decimals, as Acumatica sends them. */
const qtyOf = (lineNbr: number) => ((lineNbr * 7) % 40) + 0.5 * (lineNbr % 3) + 1;

function documentBody(query: string, options: DocumentBodyOptions, lineRow: LineRow): string {
  const { lines = 5, deletedLines = 0, trailingSpaces = false } = options;
  const after = trailingSpaces ? (id: string) => `${id} ` : (id: string) => id;
  const before = trailingSpaces ? (id: string) => `${id}  ` : (id: string) => id;
  const numbers = Array.from({ length: lines }, (_, i) => i + 1);
  return notificationBody({
    query,
    inserted: numbers.map((lineNbr) => padNames(lineRow(lineNbr, 'after', after), trailingSpaces)),
    deleted: numbers.slice(0, deletedLines).map((lineNbr) => lineRow(lineNbr, 'before', before)),
    timeStamp: options.timeStamp,
    id: options.id,
    companyId: options.companyId,
  });
}

/** Trailing spaces in some column names too: Acumatica has sent keys like "InventoryID ". */
function padNames(row: RawRow, trailingSpaces: boolean): RawRow {
  if (!trailingSpaces) return row;
  return Object.fromEntries(Object.entries(row).map(([name, value], i) => [i % 3 === 1 ? `${name} ` : name, value]));
}

export function purchaseOrderBody(options: DocumentBodyOptions & { orderNbr?: string } = {}): string {
  const orderNbr = options.orderNbr ?? nextNumber('PO');
  return documentBody('WMS Purchase Orders', options, (lineNbr, state, pad) => {
    const orderQty = qtyOf(lineNbr);
    const receivedQty = state === 'after' ? Math.min(orderQty, lineNbr) : 0;
    return {
      OrderType: 'Normal',
      OrderNbr: pad(orderNbr),
      Status: 'Open',
      VendorID: pad('V000001'),
      VendorName: 'Acme Supplies Ltd.',
      Date: '2024-05-05T00:00:00',
      PromisedOn: '2024-05-12T00:00:00',
      Warehouse: pad('MAIN'),
      LineNbr: lineNbr,
      InventoryID: pad(itemOf(lineNbr)),
      LineDescription: descriptionOf(lineNbr),
      UOM: pad('EA'),
      OrderQty: orderQty,
      ReceivedQty: receivedQty,
      OpenQty: orderQty - receivedQty,
      LineCompleted: false,
      LineCanceled: false,
      LastModifiedDateTime: state === 'after' ? '2024-05-06T09:30:12.47' : '2024-05-05T15:16:23.1',
    };
  });
}

export interface StockItemBodyOptions extends Omit<DocumentBodyOptions, 'lines' | 'deletedLines'> {
  inventoryId?: string;
  /** Items in Inserted; the first gets `inventoryId`. */
  items?: number;
  itemStatus?: string;
  /** When given, each item also arrives in Deleted with this status: a status change. */
  previousStatus?: string;
  defaultWarehouse?: string;
}

export function stockItemBody(options: StockItemBodyOptions = {}): string {
  const first = options.inventoryId ?? nextNumber('ITEM');
  const { itemStatus = 'Active', previousStatus } = options;
  return documentBody(
    'WMS Stock Items',
    { ...options, lines: options.items ?? 1, deletedLines: previousStatus === undefined ? 0 : (options.items ?? 1) },
    (n, state, pad) => ({
      InventoryID: pad(n === 1 ? first : `${first}-${n}`),
      Description: descriptionOf(n),
      ItemStatus: state === 'after' ? itemStatus : previousStatus,
      ItemClass: pad('STOCKITEM'),
      Type: 'Finished Good',
      BaseUnit: pad('EA'),
      PurchaseUnit: pad('BOX'),
      SalesUnit: pad('EA'),
      Weight: 0.25 * n,
      WeightUOM: pad('KG'),
      Volume: 0.001 * n,
      VolumeUOM: pad('M3'),
      Barcode: `40012345${String(n).padStart(5, '0')}`,
      LotSerialClass: null,
      DefaultWarehouse: pad(options.defaultWarehouse ?? 'MAIN'),
      LastModifiedDateTime: state === 'after' ? '2024-05-06T09:30:12.47' : '2024-05-05T15:16:23.1',
    }),
  );
}

export function salesOrderBody(options: DocumentBodyOptions & { orderNbr?: string } = {}): string {
  const orderNbr = options.orderNbr ?? nextNumber('SO');
  return documentBody('WMS Sales Orders', { lines: 3, ...options }, (lineNbr, state, pad) => {
    const orderQty = qtyOf(lineNbr);
    const shippedQty = state === 'after' ? 1 : 0;
    return {
      OrderType: 'SO',
      OrderNbr: pad(orderNbr),
      Status: state === 'after' ? 'Shipping' : 'Open',
      CustomerID: pad('C000042'),
      CustomerName: 'Jersey Central Power & Light',
      Date: '2024-05-05T00:00:00',
      RequestedOn: '2024-05-10T00:00:00',
      ShipVia: pad('UPSGROUND'),
      Warehouse: pad('MAIN'),
      LineNbr: lineNbr,
      InventoryID: pad(itemOf(lineNbr)),
      LineDescription: descriptionOf(lineNbr),
      UOM: pad('EA'),
      OrderQty: orderQty,
      ShippedQty: shippedQty,
      OpenQty: orderQty - shippedQty,
      LastModifiedDateTime: '2024-05-06T10:02:55.2+02:00',
    };
  });
}

export function shipmentBody(options: DocumentBodyOptions & { shipmentNbr?: string; orderNbr?: string } = {}): string {
  const shipmentNbr = options.shipmentNbr ?? nextNumber('SH');
  const orderNbr = options.orderNbr ?? 'SO000417';
  return documentBody('WMS Shipments', { lines: 3, ...options }, (lineNbr, state, pad) => ({
    ShipmentNbr: pad(shipmentNbr),
    Type: 'Shipment',
    Status: state === 'after' ? 'Confirmed' : 'Open',
    ShipmentDate: '2024-05-07T00:00:00',
    CustomerID: pad('C000042'),
    Warehouse: pad('MAIN'),
    ShipVia: pad('UPSGROUND'),
    LineNbr: lineNbr,
    OrderType: 'SO',
    OrderNbr: pad(orderNbr),
    InventoryID: pad(itemOf(lineNbr)),
    LineDescription: descriptionOf(lineNbr),
    UOM: pad('EA'),
    ShippedQty: qtyOf(lineNbr),
    Location: pad(`R${lineNbr}S1`),
    LotSerialNbr: lineNbr % 2 === 0 ? pad(`LOT2024-${lineNbr}`) : null,
    LastModifiedDateTime: '2024-05-07T08:15:00.5',
  }));
}

export function assemblyOrderBody(options: DocumentBodyOptions & { referenceNbr?: string } = {}): string {
  const referenceNbr = options.referenceNbr ?? nextNumber('AS');
  return documentBody('WMS Assembly Orders', { lines: 3, ...options }, (lineNbr, state, pad) => ({
    Type: 'Assembly',
    ReferenceNbr: pad(referenceNbr),
    Status: state === 'after' ? 'Released' : 'Balanced',
    Date: '2024-05-08T00:00:00',
    KitInventoryID: pad('KITGIFT01'),
    Warehouse: pad('MAIN'),
    Qty: 10,
    UOM: pad('EA'),
    LineNbr: lineNbr,
    ComponentID: pad(itemOf(lineNbr)),
    ComponentQty: qtyOf(lineNbr),
    ComponentUOM: pad('EA'),
    LastModifiedDateTime: '2024-05-08T11:45:09.03',
  }));
}

export function inventoryAdjustmentBody(options: DocumentBodyOptions & { referenceNbr?: string } = {}): string {
  const referenceNbr = options.referenceNbr ?? nextNumber('ADJ');
  return documentBody('WMS Inventory Adjustments', { lines: 2, ...options }, (lineNbr, state, pad) => ({
    ReferenceNbr: pad(referenceNbr),
    Status: state === 'after' ? 'Released' : 'Balanced',
    Date: '2024-05-09T00:00:00',
    Description: 'Cycle count, aisle R',
    PIID: pad('PI000012'),
    LineNbr: lineNbr,
    InventoryID: pad(itemOf(lineNbr)),
    Warehouse: pad('MAIN'),
    Location: pad(`R${lineNbr}S1`),
    // Counts find both shortages and surpluses.
    Qty: lineNbr % 2 === 0 ? -qtyOf(lineNbr) : qtyOf(lineNbr),
    UOM: pad('EA'),
    ReasonCode: pad('PHYSICAL'),
    LastModifiedDateTime: '2024-05-09T16:20:41.8',
  }));
}
