import type { Topic } from '../../components/topics';
import type { useTRPC } from '../../trpc/react';

type Trpc = ReturnType<typeof useTRPC>;
type Row = Record<string, unknown>;

/** A document as its page shows it: the header's fields and its lines (components for a kit). */
export interface DocumentView {
  header: Row;
  lines: Row[];
}

/** Per kind: the key fields, the line columns worth a column, and how to read it from the API. */
export interface DocumentKind {
  keyFields: readonly string[];
  lineColumns: ReadonlyArray<readonly [field: string, label: string]>;
  /** Query options of the kind's own procedure, answering a DocumentView (null: never received). */
  query(trpc: Trpc, key: Record<string, string>): { queryKey: readonly unknown[]; queryFn?: unknown };
}

const split = ({ lines, components, ...header }: Row): DocumentView => ({ header, lines: (lines ?? components ?? []) as Row[] });
const asView = (found: unknown) => (found === null || found === undefined ? null : split(found as Row));
const removed = ['removedAt', 'Removed'] as const;

export const DOCUMENT_KINDS: Record<Topic, DocumentKind> = {
  'purchase-orders': {
    keyFields: ['orderType', 'orderNbr'],
    lineColumns: [['lineNbr', 'Line'], ['inventoryId', 'Item'], ['lineDescription', 'Description'], ['uom', 'UOM'], ['orderQty', 'Ordered'], ['receivedQty', 'Received (ERP)'], ['receivedInWms', 'Received (WMS)'], ['openToReceive', 'Open to receive'], removed],
    query: (trpc, key) => ({ ...trpc.receiving.purchaseOrder.queryOptions({ orderType: key.orderType, orderNbr: key.orderNbr }), select: asView }),
  },
  'sales-orders': {
    keyFields: ['orderType', 'orderNbr'],
    lineColumns: [['lineNbr', 'Line'], ['inventoryId', 'Item'], ['lineDescription', 'Description'], ['orderQty', 'Ordered'], ['shippedQty', 'Shipped'], ['openQty', 'Open'], removed],
    query: (trpc, key) => ({ ...trpc.fulfillment.salesOrder.queryOptions({ orderType: key.orderType, orderNbr: key.orderNbr }), select: asView }),
  },
  shipments: {
    keyFields: ['shipmentNbr'],
    lineColumns: [['lineNbr', 'Line'], ['orderNbr', 'Order'], ['inventoryId', 'Item'], ['location', 'Location'], ['shippedQty', 'Shipped qty'], ['pickedQty', 'Picked'], ['openToPick', 'Open to pick'], removed],
    query: (trpc, key) => ({ ...trpc.fulfillment.shipment.queryOptions({ shipmentNbr: key.shipmentNbr }), select: asView }),
  },
  'assembly-orders': {
    keyFields: ['type', 'referenceNbr'],
    lineColumns: [['lineNbr', 'Line'], ['componentId', 'Component'], ['componentQty', 'Qty'], ['componentUom', 'UOM'], removed],
    query: (trpc, key) => ({ ...trpc.fulfillment.assemblyOrder.queryOptions({ type: key.type, referenceNbr: key.referenceNbr }), select: asView }),
  },
  'stock-items': {
    keyFields: ['inventoryId'],
    lineColumns: [],
    query: (trpc, key) => ({ ...trpc.items.get.queryOptions({ inventoryId: key.inventoryId }), select: asView }),
  },
  'inventory-adjustments': {
    keyFields: ['referenceNbr'],
    lineColumns: [['lineNbr', 'Line'], ['inventoryId', 'Item'], ['warehouse', 'Warehouse'], ['location', 'Location'], ['qty', 'Qty'], ['uom', 'UOM'], ['reasonCode', 'Reason'], removed],
    query: (trpc, key) => ({ ...trpc.adjustments.adjustment.queryOptions({ referenceNbr: key.referenceNbr }), select: asView }),
  },
};

/** The page address of a document: /documents/purchase-orders?orderType=Normal&orderNbr=PO000123. */
export function documentPath(topic: Topic, key: Record<string, unknown>): string {
  return `/documents/${topic}?${new URLSearchParams(Object.entries(key).map(([field, value]) => [field, String(value)])).toString()}`;
}
