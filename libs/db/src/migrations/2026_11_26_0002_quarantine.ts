import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('issues', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    // bytea, not text: the body is kept byte for byte, and it may be invalid UTF-8 or contain NUL.
    .addColumn('raw_body', 'bytea', (col) => col.notNull())
    .addColumn('content_type', 'text')
    .addColumn('notification_id', 'text')
    .addColumn('query', 'text')
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('replayed_at', 'timestamptz')
    .execute();

  // Listing, newest first, optionally for one topic; id breaks ties between rows of one instant.
  await db.schema
    .createIndex('quarantine_by_topic_received')
    .on('quarantine')
    .expression(sql`topic, received_at desc, id desc`)
    .execute();

  // What still waits for a replay is usually a handful of rows among many already replayed.
  await db.schema
    .createIndex('quarantine_pending')
    .on('quarantine')
    .expression(sql`received_at desc, id desc`)
    .where(sql.ref('replayed_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('quarantine').execute();
}
