import type { Topic } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import { sql, type RawBuilder } from 'kysely';

/** A document found by its number: enough to list it and to open its page. */
export interface FoundDocument {
  topic: Topic;
  /** The same shape as a change event's documentKey, e.g. { orderType: 'Normal', orderNbr: 'PO000123' }. */
  documentKey: Record<string, string>;
  /** The number a person reads and types (order, shipment, reference or inventory id). */
  number: string;
  /** The order type, shipment type, assembly type or item class: what tells two equal numbers apart. */
  kind: string | null;
  status: string | null;
  warehouse: string | null;
  removedAt: Date | null;
  sourceTimestamp: string;
}

/** Escapes LIKE's wildcards so a typed `_` or `%` is matched as itself. */
const likePrefix = (text: string) => `${text.replaceAll(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One select per document table, each giving the same columns. Numbers match by prefix, case-
 * insensitively (a scanner or a person types the start of "PO000123"); an item also matches by its
 * barcode.
 */
function documentsMatching(query: string): RawBuilder<unknown> {
  const prefix = likePrefix(query);
  return sql`
    select 'purchase-orders' as topic, jsonb_build_object('orderType', order_type, 'orderNbr', order_nbr) as document_key,
           order_nbr as number, order_type as kind, status, warehouse, removed_at, source_timestamp
      from purchase_orders where order_nbr ilike ${prefix}
    union all
    select 'sales-orders', jsonb_build_object('orderType', order_type, 'orderNbr', order_nbr),
           order_nbr, order_type, status, warehouse, removed_at, source_timestamp
      from sales_orders where order_nbr ilike ${prefix}
    union all
    select 'shipments', jsonb_build_object('shipmentNbr', shipment_nbr),
           shipment_nbr, type, status, warehouse, removed_at, source_timestamp
      from shipments where shipment_nbr ilike ${prefix}
    union all
    select 'assembly-orders', jsonb_build_object('type', type, 'referenceNbr', reference_nbr),
           reference_nbr, type, status, warehouse, removed_at, source_timestamp
      from assembly_orders where reference_nbr ilike ${prefix}
    union all
    select 'stock-items', jsonb_build_object('inventoryId', inventory_id),
           inventory_id, item_class, item_status, default_warehouse, removed_at, source_timestamp
      from stock_items where inventory_id ilike ${prefix} or barcode = ${query}
    union all
    select 'inventory-adjustments', jsonb_build_object('referenceNbr', reference_nbr),
           reference_nbr, null, status, null, removed_at, source_timestamp
      from inventory_adjustments where reference_nbr ilike ${prefix}`;
}

/** Where a page of search results ended: the sort key of its last document. */
export type SearchPosition = readonly [number: string, topic: string, documentKey: string];

/**
 * Documents of every kind whose number starts with `query`, in number order (then topic), a page
 * at a time: `after` is the position of the last document of the previous page.
 */
export async function searchDocuments(db: Database, options: { query: string; after?: SearchPosition; limit: number }) {
  const after = options.after;
  const { rows } = await sql<{
    topic: Topic;
    document_key: Record<string, string>;
    number: string;
    kind: string | null;
    status: string | null;
    warehouse: string | null;
    removed_at: Date | null;
    source_timestamp: string;
    key_text: string;
  }>`
    select found.*, found.document_key::text as key_text from (${documentsMatching(options.query)}) as found
    ${after === undefined ? sql`` : sql`where (found.number, found.topic, found.document_key::text) > (${after[0]}, ${after[1]}, ${after[2]})`}
    order by found.number, found.topic, found.document_key::text
    limit ${options.limit}`.execute(db);
  return rows.map(
    (row): FoundDocument & { position: SearchPosition } => ({
      topic: row.topic,
      documentKey: row.document_key,
      number: row.number,
      kind: row.kind,
      status: row.status,
      warehouse: row.warehouse,
      removedAt: row.removed_at,
      sourceTimestamp: row.source_timestamp,
      position: [row.number, row.topic, row.key_text],
    }),
  );
}
