import type { Row } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import { sql, type Transaction } from 'kysely';
import type { DB } from '@wmsi/db';
import type { RecordTable, StoredColumn } from './record-tables.js';

export type Executor = Database | Transaction<DB>;

/** What a write is stamped with: the ERP transaction it comes from. */
export interface WriteStamp {
  /** The 64-bit TimeStamp, as its decimal string. */
  timeStamp: string;
  notificationId: string;
}

// Column names below come from the record tables declared in code, never from a request, so they
// are spliced into the SQL as identifiers; every value travels in one jsonb parameter per statement,
// unpacked by jsonb_to_recordset: one statement per table and batch, however many rows.

const list = (columns: readonly StoredColumn[]) => columns.map((c) => `"${c.column}"`).join(', ');
const typed = (columns: readonly StoredColumn[]) => columns.map((c) => `"${c.column}" ${c.type}`).join(', ');

/** The key of a record as the stable string rows use (JSON array in key order). */
export function recordKey(table: RecordTable, record: Record<string, unknown>): string {
  return JSON.stringify(table.key.map((c) => record[c.column]));
}

function keyOfRow(table: RecordTable, row: Row): string {
  return JSON.stringify(table.key.map((c) => row.key[c.field]));
}

export interface Batch {
  /** The non-key columns every record of the batch sent. */
  sent: StoredColumn[];
  records: Array<Record<string, unknown>>;
}

/**
 * The rows as records of `table`, one per key (the last row of a key wins), grouped by the columns
 * they sent: a column not sent keeps its stored value, so it must not appear in the statement.
 * Records are sorted by key so concurrent transactions lock rows in one order (no deadlocks).
 */
export function batchesOf(table: RecordTable, rows: readonly Row[], withExtra: boolean): Batch[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) byKey.set(keyOfRow(table, row), row);
  const batches = new Map<string, Batch>();
  for (const key of [...byKey.keys()].sort()) {
    const row = byKey.get(key)!;
    const sent = table.fields.filter((c) => Object.hasOwn(row.values, c.field));
    const record: Record<string, unknown> = {};
    for (const c of table.key) record[c.column] = row.key[c.field];
    for (const c of sent) record[c.column] = row.values[c.field];
    if (withExtra) record.extra = row.extra;
    const signature = sent.map((c) => c.column).join(',');
    let batch = batches.get(signature);
    if (batch === undefined) batches.set(signature, (batch = { sent, records: [] }));
    batch.records.push(record);
  }
  return [...batches.values()];
}

/**
 * Writes rows' new state. Newest wins: a stored record is overwritten only by a newer TimeStamp,
 * or by an equal one when it is a tombstone (ARCHITECTURE rule 3: the inserted half of a transaction
 * beats its removal). Returns the keys that were written; the others were stale.
 */
export async function writeLiveRecords(
  db: Executor,
  table: RecordTable,
  rows: readonly Row[],
  stamp: WriteStamp,
  { withExtra }: { withExtra: boolean },
): Promise<Set<string>> {
  const written = new Set<string>();
  for (const batch of batchesOf(table, rows, withExtra)) {
    const result = await liveUpsert(table, batch, stamp).execute(db);
    for (const record of result.rows) written.add(recordKey(table, record));
  }
  return written;
}

/**
 * One batch's newest-wins upsert, returning the keys it wrote: a statement of its own, or a
 * data-modifying CTE of a larger one.
 */
export function liveUpsert(table: RecordTable, { sent, records }: Batch, stamp: WriteStamp, { onlyIfMarked = false } = {}) {
  const columns = [...table.key, ...sent];
  const updates = sent.map((c) => `"${c.column}" = excluded."${c.column}"`);
  // Inside applyChanges's statement: nothing is written when the notification was processed before.
  const marked = onlyIfMarked ? sql.raw('where exists (select 1 from mark)') : sql.raw('');
  return sql<Record<string, unknown>>`
      insert into ${sql.id(table.table)} as t (${sql.raw(list(columns))}, extra, source_timestamp, removed_at, last_notification_id)
      select ${sql.raw(list(columns))}, coalesce(x.extra, '{}'::jsonb), ${stamp.timeStamp}::numeric, null, ${stamp.notificationId}
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(${sql.raw(typed(columns))}, extra jsonb)
      ${marked}
      on conflict (${sql.raw(list(table.key))}) do update set
        ${sql.raw(updates.map((u) => `${u}, `).join(''))}
        extra = t.extra || excluded.extra,
        source_timestamp = excluded.source_timestamp,
        removed_at = null,
        applied_at = now(),
        last_notification_id = excluded.last_notification_id
      where excluded.source_timestamp > t.source_timestamp
         or (excluded.source_timestamp = t.source_timestamp and t.removed_at is not null)
      returning ${sql.raw(list(table.key))}`;
}

/**
 * Marks rows removed (a tombstone keeping the last known values), when the removal is newer than
 * what is stored. A row never seen before gets a tombstone too, so an older insert arriving later
 * cannot bring it back. Returns the keys that were marked.
 */
export async function writeTombstones(
  db: Executor,
  table: RecordTable,
  rows: readonly Row[],
  stamp: WriteStamp & { removedAt: Date },
  { withExtra }: { withExtra: boolean },
): Promise<Set<string>> {
  const written = new Set<string>();
  for (const { sent, records } of batchesOf(table, rows, withExtra)) {
    const columns = [...table.key, ...sent];
    const result = await sql<Record<string, unknown>>`
      insert into ${sql.id(table.table)} as t (${sql.raw(list(columns))}, extra, source_timestamp, removed_at, last_notification_id)
      select ${sql.raw(list(columns))}, coalesce(x.extra, '{}'::jsonb), ${stamp.timeStamp}::numeric, ${stamp.removedAt}::timestamptz, ${stamp.notificationId}
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(${sql.raw(typed(columns))}, extra jsonb)
      on conflict (${sql.raw(list(table.key))}) do update set
        source_timestamp = excluded.source_timestamp,
        removed_at = excluded.removed_at,
        applied_at = now(),
        last_notification_id = excluded.last_notification_id
      where excluded.source_timestamp > t.source_timestamp
      returning ${sql.raw(list(table.key))}`.execute(db);
    for (const record of result.rows) written.add(recordKey(table, record));
  }
  return written;
}

/** The stored TimeStamp of each row's record that exists, by key. */
export async function storedTimeStamps(
  db: Executor,
  table: RecordTable,
  rows: readonly Row[],
  { lock = false }: { lock?: boolean } = {},
): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  if (rows.length === 0) return stored;
  const keys = rows.map((row) => Object.fromEntries(table.key.map((c) => [c.column, row.key[c.field]])));
  const result = await sql<Record<string, unknown> & { source_timestamp: string }>`
    select ${sql.raw(table.key.map((c) => `t."${c.column}"`).join(', '))}, t.source_timestamp
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(${sql.raw(typed(table.key))})
    join ${sql.id(table.table)} as t using (${sql.raw(list(table.key))})
    order by ${sql.raw(table.key.map((c) => `t."${c.column}"`).join(', '))}
    ${sql.raw(lock ? 'for update of t' : '')}`.execute(db);
  for (const record of result.rows) stored.set(recordKey(table, record), record.source_timestamp);
  return stored;
}

/**
 * Removes the documents whose lines are all gone. The document takes the newest removal among its
 * lines (or this one, for a header-only row), when that is newer than the document's own TimeStamp:
 * lines can be removed out of order (an older line deletion delivered late finishes last), and a
 * header written by the same transaction stays. An already removed document still moves forward,
 * so a late Inserted half of an older transaction cannot revive it. Documents never seen get a
 * tombstone. Returns the document keys that were marked removed (or whose tombstone moved).
 */
export async function removeDocumentsWithoutLines(
  db: Executor,
  document: RecordTable,
  lines: RecordTable,
  rows: readonly Row[],
  stamp: WriteStamp & { removedAt: Date },
): Promise<Set<string>> {
  const removed = await writeTombstonesIfAbsent(db, document, rows, stamp);
  if (rows.length === 0) return removed;
  const keys = rows.map((row) => Object.fromEntries(document.key.map((c) => [c.column, row.key[c.field]])));
  const keyList = document.key.map((c) => `x."${c.column}"`).join(', ');
  const sameDocument = document.key.map((c) => `l."${c.column}" = x."${c.column}"`).join(' and ');
  const result = await sql<Record<string, unknown>>`
    with gone as (
      select ${sql.raw(keyList)}, greatest(max(l.source_timestamp), ${stamp.timeStamp}::numeric) as newest
      from (select distinct * from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(${sql.raw(typed(document.key))})) as x
      left join ${sql.id(lines.table)} as l on ${sql.raw(sameDocument)}
      group by ${sql.raw(keyList)}
      having bool_and(l.removed_at is not null) or count(l.*) = 0
    )
    update ${sql.id(document.table)} as d set
      -- The ERP time of the removing transaction, from its ticks (100 ns since 0001-01-01).
      removed_at = to_timestamp((gone.newest - 621355968000000000) / 10000000.0),
      source_timestamp = gone.newest,
      applied_at = now(),
      last_notification_id = ${stamp.notificationId}
    from gone
    where ${sql.raw(document.key.map((c) => `d."${c.column}" = gone."${c.column}"`).join(' and '))}
      and d.source_timestamp < gone.newest
    returning ${sql.raw(document.key.map((c) => `d."${c.column}"`).join(', '))}`.execute(db);
  for (const record of result.rows) removed.add(recordKey(document, record));
  return removed;
}

async function writeTombstonesIfAbsent(
  db: Executor,
  table: RecordTable,
  rows: readonly Row[],
  stamp: WriteStamp & { removedAt: Date },
): Promise<Set<string>> {
  const written = new Set<string>();
  for (const { sent, records } of batchesOf(table, rows, false)) {
    const columns = [...table.key, ...sent];
    const result = await sql<Record<string, unknown>>`
      insert into ${sql.id(table.table)} (${sql.raw(list(columns))}, source_timestamp, removed_at, last_notification_id)
      select ${sql.raw(list(columns))}, ${stamp.timeStamp}::numeric, ${stamp.removedAt}::timestamptz, ${stamp.notificationId}
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(${sql.raw(typed(columns))})
      on conflict do nothing
      returning ${sql.raw(list(table.key))}`.execute(db);
    for (const record of result.rows) written.add(recordKey(table, record));
  }
  return written;
}
