import type { Row } from '@wmsi/contracts';
import { sql, type RawBuilder } from 'kysely';
import { changeLogEntry, toChangeEvent, type AppliedChange, type ChangeEvent } from './change-log.js';
import type { ProcessedMark } from './processed.js';
import { documentKeyOf, isHeaderOnly, type RecordTable, type TopicTables } from './record-tables.js';
import {
  batchesOf,
  liveUpsert,
  removeDocumentsWithoutLines,
  storedTimeStamps,
  writeLiveRecords,
  writeTombstones,
  type Executor,
  type WriteStamp,
} from './record-writes.js';

// A row of a line-level topic feeds two records: its line, and its document's header. A header-only
// row (LineNbr null) feeds the document alone. Unknown columns stay with the record the row is:
// the line, or the document for header-only rows and topics without lines.

function split(tables: TopicTables, rows: readonly Row[]) {
  const headerOnly = rows.filter((row) => isHeaderOnly(tables, row));
  const lines = tables.lines === undefined ? [] : rows.filter((row) => !isHeaderOnly(tables, row));
  return { headerOnly, lines };
}

/** Writes rows' new state where it is newest; returns the row keys that were written. */
export async function writeLiveRows(db: Executor, tables: TopicTables, rows: readonly Row[], stamp: WriteStamp): Promise<Set<string>> {
  if (tables.lines === undefined) return writeLiveRecords(db, tables.document, rows, stamp, { withExtra: true });
  const { headerOnly, lines } = split(tables, rows);
  const documents = new Set([
    ...(await writeLiveRecords(db, tables.document, lines, stamp, { withExtra: false })),
    ...(await writeLiveRecords(db, tables.document, headerOnly, stamp, { withExtra: true })),
  ]);
  const written = await writeLiveRecords(db, tables.lines, lines, stamp, { withExtra: true });
  for (const row of headerOnly) if (documents.has(documentKeyOf(tables, row))) written.add(row.rowKey);
  return written;
}

/**
 * Marks rows removed where the removal is newest; a document goes with its last live line. Returns
 * the row keys whose record was marked.
 */
export async function writeRemovedRows(
  db: Executor,
  tables: TopicTables,
  rows: readonly Row[],
  stamp: WriteStamp & { removedAt: Date },
): Promise<Set<string>> {
  if (tables.lines === undefined) return writeTombstones(db, tables.document, rows, stamp, { withExtra: true });
  const { headerOnly, lines } = split(tables, rows);
  // Documents are locked before their lines, in the same order as writeLiveRows writes them, so a
  // removal and an update of one document never wait on each other in a circle.
  await storedTimeStamps(db, tables.document, rows, { lock: true });
  const written = await writeTombstones(db, tables.lines, lines, stamp, { withExtra: true });
  const documents = await removeDocumentsWithoutLines(db, tables.document, tables.lines, rows, stamp);
  for (const row of headerOnly) if (documents.has(documentKeyOf(tables, row))) written.add(row.rowKey);
  return written;
}

/** The stored TimeStamp of each row's record, by row key (rows never stored are absent). */
export async function storedRowTimeStamps(db: Executor, tables: TopicTables, rows: readonly Row[]): Promise<Map<string, string>> {
  if (tables.lines === undefined) return storedTimeStamps(db, tables.document, rows);
  const { headerOnly, lines } = split(tables, rows);
  const stored = await storedTimeStamps(db, tables.lines, lines);
  const documents = await storedTimeStamps(db, tables.document, headerOnly);
  for (const row of headerOnly) {
    const timeStamp = documents.get(documentKeyOf(tables, row));
    if (timeStamp !== undefined) stored.set(row.rowKey, timeStamp);
  }
  return stored;
}

/**
 * A notification's whole effect in one statement: the dedup mark, the newest-wins upserts (as
 * data-modifying CTEs, each writing only if the mark was new) and the change log of what they
 * wrote. One statement is one transaction and one round trip, where the same work as separate
 * statements took six (begin, mark, two upserts, log, commit): under load a round trip costs the
 * worker about a millisecond. `first` is false for a notification processed before (nothing
 * written). Returns undefined when one statement cannot do it: a document written both from line
 * rows and from a header-only row would be two upserts of one record in one statement.
 */
export async function applyChanges(
  db: Executor,
  tables: TopicTables,
  mark: ProcessedMark,
  changes: readonly AppliedChange[],
  source: WriteStamp & { query: string },
): Promise<{ first: boolean; events: ChangeEvent[] } | undefined> {
  const upserts = upsertsOf(tables, changes.map((change) => change.after as Row));
  if (upserts === undefined) return undefined;
  const ctes: RawBuilder<unknown>[] = [
    sql`mark as (
      insert into processed_notifications (query, notification_id, rows_digest, topic, source_timestamp, intake_id)
      values (${mark.query}, ${mark.notificationId}, ${mark.rowsDigest}, ${mark.topic}, ${mark.timeStamp}::numeric, ${mark.intakeId ?? null})
      on conflict do nothing
      returning 1)`,
  ];
  const written: RawBuilder<unknown>[] = [];
  for (const upsert of upserts) {
    for (const batch of batchesOf(upsert.table, upsert.rows, upsert.withExtra)) {
      const name = sql.raw(`w${ctes.length}`);
      ctes.push(sql`${name} as (${liveUpsert(upsert.table, batch, source, { onlyIfMarked: true })})`);
      const key = upsert.table.key.map((c) => `"${c.column}"`).join(', ');
      written.push(sql`select ${upsert.level}::text as level, jsonb_build_array(${sql.raw(key)}) as k from ${name}`);
    }
  }
  if (written.length === 0) {
    const result = await sql<{ first: number }>`with ${sql.join(ctes)} select (select count(*) from mark)::int as first`.execute(db);
    return { first: result.rows[0]?.first === 1, events: [] };
  }
  const result = await sql<{ first: number } & Partial<Parameters<typeof toChangeEvent>[0]>>`
    with ${sql.join(ctes)},
    written as (${sql.join(written, sql` union all `)}),
    logged as (
      insert into change_log (topic, kind, row_key, document_key, warehouse, source_timestamp, query, notification_id, before, after)
      select ${tables.topic}, c.kind, c.row_key, c.document_key, c.warehouse, ${source.timeStamp}::numeric, ${source.query}, ${source.notificationId}, c.before, c.after
      from jsonb_to_recordset(${JSON.stringify(logEntriesOf(tables, changes))}::jsonb)
        as c(ord integer, level text, match jsonb, kind text, row_key jsonb, document_key jsonb, warehouse text, before jsonb, after jsonb)
      where exists (select 1 from written w where w.level = c.level and w.k = c.match)
      order by c.ord
      returning seq, topic, kind, row_key, document_key, warehouse, source_timestamp, applied_at, before, after)
    select (select count(*) from mark)::int as first, logged.*
    from (select 1) as one left join logged on true
    order by logged.seq`.execute(db);
  const events = result.rows.filter((row) => row.seq != null).map((row) => toChangeEvent(row as Parameters<typeof toChangeEvent>[0]));
  return { first: result.rows[0]?.first === 1, events };
}

type Upsert = { table: RecordTable; level: 'doc' | 'line'; withExtra: boolean; rows: readonly Row[] };

/** The upserts writeLiveRows makes, in its order (documents before lines: one lock order). */
function upsertsOf(tables: TopicTables, rows: readonly Row[]): Upsert[] | undefined {
  if (tables.lines === undefined) return [{ table: tables.document, level: 'doc', withExtra: true, rows }];
  const { headerOnly, lines } = split(tables, rows);
  const fromLines = new Set(lines.map((row) => documentKeyOf(tables, row)));
  if (headerOnly.some((row) => fromLines.has(documentKeyOf(tables, row)))) return undefined;
  return [
    { table: tables.document, level: 'doc', withExtra: false, rows: lines },
    { table: tables.document, level: 'doc', withExtra: true, rows: headerOnly },
    { table: tables.lines, level: 'line', withExtra: true, rows: lines },
  ];
}

/**
 * The change-log rows to write if their record was: `match` is that record's key as the upserts
 * return it (the line's, or for a header-only row and a topic without lines, the document's).
 */
function logEntriesOf(tables: TopicTables, changes: readonly AppliedChange[]) {
  return changes.map((change, ord) => {
    const row = (change.after ?? change.before) as Row;
    const line = tables.lines !== undefined && !isHeaderOnly(tables, row);
    return {
      ord,
      level: line ? 'line' : 'doc',
      match: JSON.parse(line || tables.lines === undefined ? row.rowKey : documentKeyOf(tables, row)) as unknown,
      ...changeLogEntry(tables, change),
    };
  });
}
