import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.
//
// change_log_horizon() as PL/pgSQL, same answer. As a SQL function it was planned again at every
// call (its body reads pg_stat_activity, a view of several joins): 2.1 ms a call, and the API calls
// it on every read of the feed, about 90 times a second at 100 notifications/s, a third of
// PostgreSQL's time in the bench. PL/pgSQL keeps its plans for the session, and a snapshot with no
// transaction in flight answers at once: 0.2 ms.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create or replace function change_log_horizon() returns xid8 language plpgsql stable as $$
    declare
      snap pg_snapshot := pg_current_snapshot();
      horizon xid8;
    begin
      if pg_snapshot_xmin(snap) = pg_snapshot_xmax(snap) then
        return pg_snapshot_xmax(snap);
      end if;
      -- A running transaction is ignored only when its backend is known to work in another database.
      select min(x) into horizon from pg_snapshot_xip(snap) as x
       where not exists (
         select 1 from pg_stat_activity a
         where a.backend_xid is not null and a.datname is distinct from current_database()
           and a.backend_xid::text = (x::text::numeric % 4294967296)::text);
      return coalesce(horizon, pg_snapshot_xmax(snap));
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function change_log_horizon() returns xid8 language sql stable as $$
    with snap as materialized (select pg_current_snapshot() as s)
    select coalesce(
      (select min(x) from snap, pg_snapshot_xip(snap.s) as x
       where not exists (
         select 1 from pg_stat_activity a
         where a.backend_xid is not null and a.datname is distinct from current_database()
           and a.backend_xid::text = (x::text::numeric % 4294967296)::text)),
      (select pg_snapshot_xmax(s) from snap))
  $$`.execute(db);
}
