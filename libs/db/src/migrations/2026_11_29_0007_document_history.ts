import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.
//
// What WMSi decided about every ERP transaction that touched a document: one row per (notification
// delivery, document), written by the workers. It answers "why does the WMS show this?": the
// TimeStamp and Id of each transaction, and whether it was applied, a duplicate, stale, parked,
// a removal or quarantined, with what it did to each row.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('document_history')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('topic', 'text', (col) => col.notNull())
    // The same shape as a change event's documentKey, e.g. {"orderType":"Normal","orderNbr":"PO000123"}.
    .addColumn('document_key', 'jsonb', (col) => col.notNull())
    .addColumn('query', 'text', (col) => col.notNull())
    .addColumn('notification_id', 'text', (col) => col.notNull())
    .addColumn('source_timestamp', sql`numeric(20, 0)`, (col) => col.notNull())
    .addColumn('intake_id', 'text')
    .addColumn('outcome', 'text', (col) =>
      col.notNull().check(sql`outcome in ('applied', 'duplicate', 'stale', 'parked', 'removal', 'quarantined')`),
    )
    // [{ rowKey: {...}, kind: 'insert' | 'update' | 'removal' | 'stale' | 'parked' | 'paired' }]
    .addColumn('changes', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('decided_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // A document's history, newest first, a page at a time.
  await db.schema
    .createIndex('document_history_by_document')
    .on('document_history')
    .expression(sql`topic, document_key, id desc`)
    .execute();
  // The change log of one document (the console's document page), newest first.
  await db.schema
    .createIndex('change_log_by_document')
    .on('change_log')
    .expression(sql`topic, document_key, seq desc`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('change_log_by_document').execute();
  await db.schema.dropTable('document_history').execute();
}
