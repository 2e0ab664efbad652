import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the schema as it was on the day it ran. Change the schema with a new
// migration, never by editing this one.
//
// Retention: nothing grows without bound.
// - The quarantine keeps one row per topic and identical body: Acumatica resends a failed
//   notification up to 5 times (up to 16 MiB each), and each copy was a row of its own. A row now
//   counts how often the body came (`times_seen`) and when it last did (`last_seen_at`), which is
//   what its retention is measured from.
// - The retention job deletes by age, oldest first, a batch at a time: the quarantine by
//   `last_seen_at`, the processed marks by `processed_at`, each with an index to find them.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table quarantine
    add column body_sha256 bytea,
    add column times_seen integer not null default 1 check (times_seen >= 1),
    add column last_seen_at timestamptz`.execute(db);
  await sql`update quarantine set body_sha256 = sha256(raw_body), last_seen_at = received_at`.execute(db);

  // The copies already kept become one row each: the first (its id is what was reported), with
  // how many there were and when the last one came. A copy not replayed keeps the row pending.
  await sql`with copies as (
      select topic, body_sha256, min(id) as keep, count(*)::int as seen, max(received_at) as last_seen,
        bool_or(replayed_at is null) as pending
      from quarantine group by topic, body_sha256 having count(*) > 1),
    merged as (
      update quarantine q set times_seen = c.seen, last_seen_at = c.last_seen,
        replayed_at = case when c.pending then null else q.replayed_at end
      from copies c where q.id = c.keep returning q.id)
    delete from quarantine q using copies c
    where q.topic = c.topic and q.body_sha256 = c.body_sha256 and q.id <> c.keep`.execute(db);

  await sql`alter table quarantine
    alter column body_sha256 set not null,
    alter column last_seen_at set not null,
    alter column last_seen_at set default now()`.execute(db);
  await sql`create unique index quarantine_by_body on quarantine (topic, body_sha256)`.execute(db);
  await sql`create index quarantine_by_last_seen on quarantine (last_seen_at)`.execute(db);
  await sql`create index processed_notifications_by_time on processed_notifications (processed_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index processed_notifications_by_time`.execute(db);
  await sql`drop index quarantine_by_last_seen`.execute(db);
  await sql`drop index quarantine_by_body`.execute(db);
  await sql`alter table quarantine drop column body_sha256, drop column times_seen, drop column last_seen_at`.execute(db);
}
