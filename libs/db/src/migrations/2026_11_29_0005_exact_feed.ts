import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.
//
// What clients see is made as exact as the rows:
// - the change log gets a commit-ordered position (the writing transaction's id, then seq), so an
//   event id is a cursor that never skips, and a horizon that says how far it has been pruned;
// - every record's change is logged with its level (document or line) and the warehouse it left;
// - WMS receipts, picks and counts carry the client's operation id (a retry books nothing more),
//   and a receipt carries the ERP figures it was recorded against, so open quantities are decided
//   from quantities, never from clocks;
// - a history of what WMSi decided for each ERP transaction that touched a document.

export async function up(db: Kysely<any>): Promise<void> {
  // The writing transaction's id: a row becomes readable only once every transaction with an older
  // id has ended (pg_snapshot_xmin), so positions below that horizon are final.
  await sql`alter table change_log
    add column xid xid8 not null default pg_current_xact_id(),
    add column level text not null default 'line' check (level in ('document', 'line')),
    add column previous_warehouse text`.execute(db);
  await sql`update change_log set level = 'document' where topic = 'stock-items' or not (row_key ? 'lineNbr') or row_key->'lineNbr' = 'null'::jsonb`.execute(db);
  await sql`drop index if exists change_log_by_topic`.execute(db);
  await sql`drop index if exists change_log_by_seq_topic`.execute(db);
  await sql`create index change_log_by_position on change_log (xid, seq)`.execute(db);
  await sql`create index change_log_by_topic_position on change_log (topic, xid, seq)`.execute(db);
  await sql`create index change_log_by_document on change_log (topic, document_key, seq)`.execute(db);

  // The horizon of the log: the oldest transaction of THIS database still running (or, with none,
  // the next transaction id). Every log row below it is final. pg_snapshot_xmin alone would do, but
  // it is server-wide: a long transaction of another database on the same server (another
  // application, a test) would hold this feed back. A running transaction is ignored only when its
  // backend is known to work in another database; one whose backend cannot be seen still counts.
  await sql`create function change_log_horizon() returns xid8 language sql stable as $$
    with snap as materialized (select pg_current_snapshot() as s)
    select coalesce(
      (select min(x) from snap, pg_snapshot_xip(snap.s) as x
       where not exists (
         select 1 from pg_stat_activity a
         where a.backend_xid is not null and a.datname is distinct from current_database()
           and a.backend_xid::text = (x::text::numeric % 4294967296)::text)),
      (select pg_snapshot_xmax(s) from snap))
  $$`.execute(db);

  // One row: the newest position the retention job has deleted. A cursor at or before it has lost
  // changes, and its client must re-read its snapshot.
  await sql`create table change_log_horizon (
    singleton boolean primary key default true check (singleton),
    pruned_through_xid xid8 not null,
    pruned_through_seq bigint not null,
    pruned_at timestamptz not null default now())`.execute(db);

  // A receipt counts against the ERP's OpenQty until the line's ReceivedQty has grown past it:
  // `erp_received_before` is the line's ReceivedQty when it was recorded, `pending_before` what WMS
  // receipts were still waiting for the ERP then. Receipts recorded before this migration were
  // judged by time: those older than the line's state count as booked, the others as pending.
  await sql`alter table receipts
    add column operation_id text,
    add column erp_received_before numeric not null default 0,
    add column pending_before numeric not null default 0,
    add column open_after numeric`.execute(db);
  await sql`update receipts r set erp_received_before = coalesce(l.received_qty, 0)
      - case when r.recorded_at <= to_timestamp((l.source_timestamp - 621355968000000000) / 10000000.0) then r.qty else 0 end
    from purchase_order_lines l
    where l.order_type = r.order_type and l.order_nbr = r.order_nbr and l.line_nbr = r.line_nbr`.execute(db);
  await sql`create unique index receipts_by_operation on receipts (operation_id) where operation_id is not null`.execute(db);

  await sql`alter table picks add column operation_id text, add column open_after numeric`.execute(db);
  await sql`create unique index picks_by_operation on picks (operation_id) where operation_id is not null`.execute(db);
  await sql`alter table cycle_counts add column operation_id text`.execute(db);
  await sql`create unique index cycle_counts_by_operation on cycle_counts (operation_id) where operation_id is not null`.execute(db);

  // Per ERP transaction (notification delivery, or a pairing window that ended) and document: what
  // WMSi decided. Answers "why does the WMS show this?".
  await db.schema
    .createTable('document_history')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('document_key', 'jsonb', (col) => col.notNull())
    .addColumn('query', 'text', (col) => col.notNull())
    .addColumn('notification_id', 'text', (col) => col.notNull())
    .addColumn('source_timestamp', sql`numeric(20, 0)`, (col) => col.notNull())
    .addColumn('intake_id', 'text')
    .addColumn('outcome', 'text', (col) =>
      col.notNull().check(sql`outcome in ('applied', 'duplicate', 'stale', 'parked', 'removal', 'quarantined')`),
    )
    .addColumn('changes', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('decided_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index document_history_by_document on document_history (topic, document_key, id desc)`.execute(db);
  await sql`create index document_history_by_time on document_history (decided_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('document_history').execute();
  await sql`drop index cycle_counts_by_operation`.execute(db);
  await sql`alter table cycle_counts drop column operation_id`.execute(db);
  await sql`drop index picks_by_operation`.execute(db);
  await sql`alter table picks drop column operation_id, drop column open_after`.execute(db);
  await sql`drop index receipts_by_operation`.execute(db);
  await sql`alter table receipts drop column operation_id, drop column erp_received_before, drop column pending_before, drop column open_after`.execute(db);
  await db.schema.dropTable('change_log_horizon').execute();
  await sql`drop function change_log_horizon()`.execute(db);
  await sql`drop index change_log_by_document`.execute(db);
  await sql`drop index change_log_by_topic_position`.execute(db);
  await sql`drop index change_log_by_position`.execute(db);
  await sql`create index change_log_by_topic on change_log (topic, seq)`.execute(db);
  await sql`create index change_log_by_seq_topic on change_log (seq, topic)`.execute(db);
  await sql`alter table change_log drop column xid, drop column level, drop column previous_warehouse`.execute(db);
}
