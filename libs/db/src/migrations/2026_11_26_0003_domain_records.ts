import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.
//
// One table per ERP document (header fields) and one per line (line fields), for each topic's inquiry
// in INQUIRIES.md. Every record also keeps:
// - `extra`: the columns the project does not know, as sent (never silently dropped);
// - `source_timestamp`: the 64-bit TimeStamp of the ERP transaction that last wrote it, exact;
// - `removed_at`: set when the row left the inquiry (a tombstone, never a hard delete);
// - `applied_at` and `last_notification_id`: when and from which notification WMSi last wrote it.
// Dates stay text: Acumatica sends local times without an offset, and a timestamp column would
// either invent a zone or drop one that newer versions send.

type ColumnType = 'text' | 'numeric' | 'integer' | 'boolean';
type Columns = ReadonlyArray<readonly [name: string, type: ColumnType]>;

async function createRecordTable(db: Kysely<any>, table: string, key: Columns, fields: Columns): Promise<void> {
  let builder = db.schema.createTable(table);
  for (const [name, type] of key) builder = builder.addColumn(name, type, (col) => col.notNull());
  for (const [name, type] of fields) builder = builder.addColumn(name, type);
  await builder
    .addColumn('extra', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('source_timestamp', sql`numeric(20, 0)`, (col) => col.notNull())
    .addColumn('removed_at', 'timestamptz')
    .addColumn('applied_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_notification_id', 'text')
    .addPrimaryKeyConstraint(`${table}_pkey`, key.map(([name]) => name) as any)
    .execute();
}

async function index(db: Kysely<any>, table: string, name: string, columns: string, where?: string): Promise<void> {
  let builder = db.schema.createIndex(`${table}_by_${name}`).on(table).expression(sql.raw(columns));
  if (where !== undefined) builder = builder.where(sql.raw(where) as any);
  await builder.execute();
}

const text = (...names: string[]) => names.map((name) => [name, 'text'] as const);
const numeric = (...names: string[]) => names.map((name) => [name, 'numeric'] as const);
const lineNbr = [['line_nbr', 'integer']] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // purchase-orders: drives receiving.
  await createRecordTable(db, 'purchase_orders', text('order_type', 'order_nbr'), [
    ...text('status', 'vendor_id', 'vendor_name', 'date', 'promised_on', 'warehouse', 'last_modified_date_time'),
  ]);
  await createRecordTable(db, 'purchase_order_lines', [...text('order_type', 'order_nbr'), ...lineNbr], [
    ...text('inventory_id', 'line_description', 'uom'),
    ...numeric('order_qty', 'received_qty', 'open_qty'),
    ['line_completed', 'boolean'],
    ['line_canceled', 'boolean'],
    ...text('last_modified_date_time'),
  ]);
  await index(db, 'purchase_orders', 'warehouse_status', 'warehouse, status', 'removed_at is null');
  await index(db, 'purchase_order_lines', 'inventory', 'inventory_id');

  // stock-items: the item master.
  await createRecordTable(db, 'stock_items', text('inventory_id'), [
    ...text('description', 'item_status', 'item_class', 'type', 'base_unit', 'purchase_unit', 'sales_unit'),
    ...numeric('weight'),
    ...text('weight_uom'),
    ...numeric('volume'),
    ...text('volume_uom', 'barcode', 'lot_serial_class', 'default_warehouse', 'last_modified_date_time'),
  ]);
  await index(db, 'stock_items', 'barcode', 'barcode', 'barcode is not null');

  // sales-orders: fulfillment demand.
  await createRecordTable(db, 'sales_orders', text('order_type', 'order_nbr'), [
    ...text('status', 'customer_id', 'customer_name', 'date', 'requested_on', 'ship_via', 'warehouse'),
    ...text('last_modified_date_time'),
  ]);
  await createRecordTable(db, 'sales_order_lines', [...text('order_type', 'order_nbr'), ...lineNbr], [
    ...text('inventory_id', 'line_description', 'uom'),
    ...numeric('order_qty', 'shipped_qty', 'open_qty'),
    ...text('last_modified_date_time'),
  ]);
  await index(db, 'sales_orders', 'warehouse_status', 'warehouse, status', 'removed_at is null');

  // shipments: picking and shipping.
  await createRecordTable(db, 'shipments', text('shipment_nbr'), [
    ...text('type', 'status', 'shipment_date', 'customer_id', 'warehouse', 'ship_via', 'last_modified_date_time'),
  ]);
  await createRecordTable(db, 'shipment_lines', [...text('shipment_nbr'), ...lineNbr], [
    ...text('order_type', 'order_nbr', 'inventory_id', 'line_description', 'uom'),
    ...numeric('shipped_qty'),
    ...text('location', 'lot_serial_nbr', 'last_modified_date_time'),
  ]);
  await index(db, 'shipments', 'warehouse_status', 'warehouse, status', 'removed_at is null');

  // assembly-orders: kits and their component lines.
  await createRecordTable(db, 'assembly_orders', text('type', 'reference_nbr'), [
    ...text('status', 'date', 'kit_inventory_id', 'warehouse'),
    ...numeric('qty'),
    ...text('uom', 'last_modified_date_time'),
  ]);
  await createRecordTable(db, 'assembly_order_components', [...text('type', 'reference_nbr'), ...lineNbr], [
    ...text('component_id'),
    ...numeric('component_qty'),
    ...text('component_uom', 'last_modified_date_time'),
  ]);
  await index(db, 'assembly_orders', 'warehouse_status', 'warehouse, status', 'removed_at is null');

  // inventory-adjustments: released ERP quantity changes, for cycle-count reconciliation.
  await createRecordTable(db, 'inventory_adjustments', text('reference_nbr'), [
    ...text('status', 'date', 'description', 'pi_id', 'last_modified_date_time'),
  ]);
  await createRecordTable(db, 'inventory_adjustment_lines', [...text('reference_nbr'), ...lineNbr], [
    ...text('inventory_id', 'warehouse', 'location'),
    ...numeric('qty'),
    ...text('uom', 'reason_code', 'last_modified_date_time'),
  ]);
  await index(db, 'inventory_adjustment_lines', 'warehouse_inventory', 'warehouse, inventory_id, location');

  // Exactly-once effect: one row per notification processed, keyed the way a redelivery repeats
  // itself (Query, Id and a digest of its rows), so the two halves of one split transaction are
  // both processed while a resend of either is dropped. A pairing window's removal is recorded here
  // too, under its own digest.
  await db.schema
    .createTable('processed_notifications')
    .addColumn('query', 'text', (col) => col.notNull())
    .addColumn('notification_id', 'text', (col) => col.notNull())
    .addColumn('rows_digest', 'text', (col) => col.notNull())
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('source_timestamp', sql`numeric(20, 0)`, (col) => col.notNull())
    .addColumn('intake_id', 'text')
    .addColumn('processed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('processed_notifications_pkey', ['query', 'notification_id', 'rows_digest'])
    .execute();

  // Every applied row change, in commit order per topic: what `sync.changes` streams.
  await db.schema
    .createTable('change_log')
    .addColumn('seq', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('insert', 'update', 'removal')`))
    .addColumn('row_key', 'jsonb', (col) => col.notNull())
    .addColumn('document_key', 'jsonb', (col) => col.notNull())
    .addColumn('warehouse', 'text')
    .addColumn('source_timestamp', sql`numeric(20, 0)`, (col) => col.notNull())
    .addColumn('query', 'text', (col) => col.notNull())
    .addColumn('notification_id', 'text', (col) => col.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('applied_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await index(db, 'change_log', 'topic', 'topic, seq');
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'change_log',
    'processed_notifications',
    'inventory_adjustment_lines',
    'inventory_adjustments',
    'assembly_order_components',
    'assembly_orders',
    'shipment_lines',
    'shipments',
    'sales_order_lines',
    'sales_orders',
    'stock_items',
    'purchase_order_lines',
    'purchase_orders',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
