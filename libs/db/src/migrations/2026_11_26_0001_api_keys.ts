import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('label', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addCheckConstraint(
      'api_keys_topic_check',
      sql`topic in ('purchase-orders', 'stock-items', 'sales-orders', 'shipments', 'assembly-orders', 'inventory-adjustments')`,
    )
    // Only a digest fits here, so a plain key handed over by mistake is refused rather than stored.
    .addCheckConstraint('api_keys_secret_hash_check', sql`secret_hash ~ '^[0-9a-f]{64}$'`)
    .execute();

  // Every webhook request looks up the active keys of one topic.
  await db.schema
    .createIndex('api_keys_active_by_topic')
    .on('api_keys')
    .column('topic')
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
}
