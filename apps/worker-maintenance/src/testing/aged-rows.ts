import type { Database } from '@wmsi/db';
import { sql } from 'kysely';

/** How many rows of each table `insertAgedRows` puts in, and how many of them are past retention. */
export const AGED = {
  quarantine: { total: 50, expired: 40 },
  processed_notifications: { total: 12_300, expired: 12_000 },
  change_log: { total: 1_200, expired: 1_000 },
  document_history: { total: 600, expired: 500 },
} as const;

/**
 * Rows as weeks of traffic leave them, with the defaults' retention (14, 7 and 30 days) in mind:
 * in each table the `expired` oldest are past it, the rest are within it. Quarantined bodies that
 * came long ago but were resent recently count as recent. The change log's expired rows come first
 * in log order, as time makes them.
 */
export async function insertAgedRows(db: Database): Promise<void> {
  const q = AGED.quarantine;
  await sql`insert into quarantine (topic, reason, message, raw_body, body_sha256, received_at, last_seen_at, times_seen)
    select 'shipments', 'invalid-rows', 'aged', convert_to('{"aged":' || n || '}', 'UTF8'), sha256(convert_to('{"aged":' || n || '}', 'UTF8')),
      now() - interval '30 days',
      case when n <= ${q.expired} then now() - interval '15 days' else now() - interval '2 days' end,
      case when n <= ${q.expired} then 1 else 5 end
    from generate_series(1, ${q.total}) n`.execute(db);

  const p = AGED.processed_notifications;
  await sql`insert into processed_notifications (query, notification_id, rows_digest, topic, source_timestamp, processed_at)
    select 'WMS Shipments', 'n-' || n, md5(n::text), 'shipments', n,
      case when n <= ${p.expired} then now() - interval '8 days' - n * interval '1 second' else now() - interval '6 days' end
    from generate_series(1, ${p.total}) n`.execute(db);

  const c = AGED.change_log;
  await sql`insert into change_log (topic, kind, level, row_key, document_key, source_timestamp, query, notification_id, before, after, applied_at)
    select 'stock-items', 'update', 'document', jsonb_build_object('inventoryId', 'AGED' || n), jsonb_build_object('inventoryId', 'AGED' || n), n,
      'WMS Stock Items', 'n-' || n, '{}', '{}',
      case when n <= ${c.expired} then now() - interval '31 days' else now() - interval '29 days' end
    from generate_series(1, ${c.total}) n order by n`.execute(db);

  const h = AGED.document_history;
  await sql`insert into document_history (topic, document_key, query, notification_id, source_timestamp, outcome, decided_at)
    select 'stock-items', jsonb_build_object('inventoryId', 'AGED' || n), 'WMS Stock Items', 'n-' || n, n, 'applied',
      case when n <= ${h.expired} then now() - interval '31 days' else now() - interval '29 days' end
    from generate_series(1, ${h.total}) n`.execute(db);
}

/** Rows per table now. */
export async function countRows(db: Database): Promise<Record<keyof typeof AGED, number>> {
  const { rows } = await sql<{ quarantine: string; processed_notifications: string; change_log: string; document_history: string }>`
    select (select count(*) from quarantine) as quarantine, (select count(*) from processed_notifications) as processed_notifications,
      (select count(*) from change_log) as change_log, (select count(*) from document_history) as document_history`.execute(db);
  const row = rows[0]!;
  return {
    quarantine: Number(row.quarantine),
    processed_notifications: Number(row.processed_notifications),
    change_log: Number(row.change_log),
    document_history: Number(row.document_history),
  };
}
