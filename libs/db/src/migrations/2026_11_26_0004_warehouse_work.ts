import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.
//
// What the warehouse records itself, beside the ERP's data: client tokens, receipts against PO
// lines, picks against shipment lines, cycle counts. These rows are WMSi's own and never touched
// by the change handlers.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('handheld', 'desktop', 'admin')`))
    .addColumn('name', 'text', (col) => col.notNull())
    // SHA-256 of the secret part, hex; the token itself is shown once and never stored.
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('order_type', 'text', (col) => col.notNull())
    .addColumn('order_nbr', 'text', (col) => col.notNull())
    .addColumn('line_nbr', 'integer', (col) => col.notNull())
    .addColumn('qty', 'numeric', (col) => col.notNull().check(sql`qty > 0`))
    .addColumn('token_id', 'text', (col) => col.notNull().references('api_tokens.id'))
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('receipts_by_line').on('receipts').columns(['order_type', 'order_nbr', 'line_nbr', 'recorded_at']).execute();

  await db.schema
    .createTable('picks')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('shipment_nbr', 'text', (col) => col.notNull())
    .addColumn('line_nbr', 'integer', (col) => col.notNull())
    .addColumn('qty', 'numeric', (col) => col.notNull().check(sql`qty > 0`))
    .addColumn('token_id', 'text', (col) => col.notNull().references('api_tokens.id'))
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('picks_by_line').on('picks').columns(['shipment_nbr', 'line_nbr']).execute();

  await db.schema
    .createTable('cycle_counts')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('inventory_id', 'text', (col) => col.notNull())
    .addColumn('warehouse', 'text', (col) => col.notNull())
    // '' when the warehouse does not use locations, so (item, warehouse, location) is always a key.
    .addColumn('location', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('qty', 'numeric', (col) => col.notNull())
    .addColumn('token_id', 'text', (col) => col.notNull().references('api_tokens.id'))
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('cycle_counts_by_place')
    .on('cycle_counts')
    .columns(['warehouse', 'inventory_id', 'location', 'recorded_at'])
    .execute();

  // Scanner lookups beyond the primary keys: items by the start of their id or description.
  await db.schema
    .createIndex('stock_items_by_id_prefix')
    .on('stock_items')
    .expression(sql`lower(inventory_id) text_pattern_ops`)
    .execute();
  await db.schema
    .createIndex('shipment_lines_by_shipment')
    .on('shipment_lines')
    .columns(['shipment_nbr', 'line_nbr'])
    .where(sql.ref('removed_at'), 'is', null)
    .execute();
  await db.schema.createIndex('change_log_by_seq_topic').on('change_log').columns(['seq', 'topic']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('change_log_by_seq_topic').execute();
  await db.schema.dropIndex('shipment_lines_by_shipment').execute();
  await db.schema.dropIndex('stock_items_by_id_prefix').execute();
  for (const table of ['cycle_counts', 'picks', 'receipts', 'api_tokens']) await db.schema.dropTable(table).execute();
}
