import { createHash } from 'node:crypto';
import type { LoggedChange } from '@wmsi/change-feed';
import type { Row } from '@wmsi/contracts';
import type { Database, DB, RecordTable, StoredColumn, TopicTables } from '@wmsi/db';
import { documentKeyOf } from '@wmsi/db';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { LogEntry, RecordWrite, StoredDocument, StoredRecord, StoredState } from './plan.js';
import type { ProcessedMark } from './processed.js';

export type Executor = Database | Transaction<DB>;

// The statements of one batch's transaction. Column names come from the record tables declared in
// code, never from a request, so they are spliced in as identifiers; every value travels in a jsonb
// parameter unpacked by jsonb_to_recordset: one statement however many rows. Numbers PostgreSQL
// keeps exactly (numeric, xid8, bigint) come back as text, never through a JS number.

const quoted = (column: string) => `"${column}"`;
const list = (columns: readonly StoredColumn[], alias = '') => columns.map((c) => `${alias}${quoted(c.column)}`).join(', ');
const typed = (columns: readonly StoredColumn[]) => columns.map((c) => `${quoted(c.column)} ${c.type}`).join(', ');
const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
const columnsOf = (columns: readonly StoredColumn[]) => columns.map((c) => c.column);

/**
 * `cross join lateral` the stored row of each key of `x` (jsonb_to_recordset's rows), by the
 * table's unique key: one index probe per key, whatever the table's size. A plain join was planned
 * as a hash join over the whole table while the table was small, and each connection keeps its
 * statements prepared: their generic plan, made on a fresh database, went on scanning the tables
 * whole at every job as they grew (PostgreSQL 46 % of a core at 500/s, 33 % with the probes).
 * LIMIT 1 (keys are unique) keeps the subquery from being merged back into a plain join.
 */
export function storedRowByKey(table: string, key: readonly string[], alias: string): RawBuilder<unknown> {
  const same = key.map((column) => `${alias}.${quoted(column)} = x.${quoted(column)}`).join(' and ');
  return sql`cross join lateral (select * from ${sql.id(table)} as ${sql.raw(alias)} where ${sql.raw(same)} limit 1) as ${sql.raw(alias)}`;
}

/**
 * The advisory lock of a document (of a record, for topics without lines): every writer of it, its
 * lines included, takes it first, so the state read next is what the batch writes over. A lock, not
 * SELECT FOR UPDATE, because documents seen for the first time have no row to lock yet.
 */
export function documentLockId(tables: TopicTables, row: Row): bigint {
  return createHash('sha1').update(`${tables.topic}|${documentKeyOf(tables, row)}`).digest().readBigInt64BE(0);
}

/**
 * Runs `work` in a transaction that opens with the documents' locks, taken in one global order
 * (sorted ids) so concurrent batches never deadlock. `begin` and the locks travel as one simple
 * query, a round trip fewer per job than a transaction that begins and then locks: on this kind of
 * machine each round trip costs the worker and PostgreSQL a loopback write and a wake-up each. The
 * ids are 64-bit integers this process computed (documentLockId), so they are written into the text.
 */
export async function inLockedTransaction<T>(db: Database, lockIds: readonly bigint[], work: (trx: Executor) => Promise<T>): Promise<T> {
  const sorted = [...new Set(lockIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const locks = sorted.length === 0 ? '' : `; select count(pg_advisory_xact_lock(id)) from (select unnest('{${sorted.join(',')}}'::bigint[]) as id order by 1) as ids`;
  return db.connection().execute(async (connection) => {
    try {
      await sql.raw(`begin${locks}`).execute(connection);
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      // Also after a failed commit or begin: a rollback with nothing to roll back only warns.
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/** What one topic's batch needs to read: the documents (records) and the lines it touches. */
export interface TopicRead {
  tables: TopicTables;
  /** One row per document touched, for its key. */
  documents: readonly Row[];
  /** The line rows touched (topics with lines). */
  lines: readonly Row[];
}

/**
 * Writes the units' dedup marks and reads the stored state of everything the batch touches, in one
 * statement (after the locks, so the state is final until commit). Returns the marks that were new.
 */
export async function markAndReadState(
  trx: Executor,
  marks: readonly ProcessedMark[],
  reads: readonly TopicRead[],
): Promise<{ newMarks: Set<string>; state: Map<string, StoredState> }> {
  const result = await markAndReadStatement(marks, reads).execute(trx);
  const row = result.rows[0] ?? {};
  const newMarks = new Set((row.marks as ProcessedMarkKey[]).map((mark) => markKey({ query: mark.query, notificationId: mark.notification_id, rowsDigest: mark.rows_digest })));
  const state = new Map<string, StoredState>();
  reads.forEach((read, i) => {
    const documents = new Map<string, StoredDocument>();
    for (const found of (row[`d${i}`] as StoredDocumentRow[] | undefined) ?? []) {
      documents.set(found.k, {
        timeStamp: found.ts,
        removed: found.removed,
        liveLines: found.live_lines ?? 0,
        newestLine: found.newest_line ?? null,
        header: found.header ?? {},
      });
    }
    const lines = new Map<string, StoredRecord>();
    for (const found of (row[`l${i}`] as StoredLineRow[] | undefined) ?? []) lines.set(found.k, { timeStamp: found.ts, removed: found.removed });
    state.set(read.tables.topic, { documents, lines });
  });
  return { newMarks, state };
}

/** markAndReadState's one statement (exported for the test that checks its plan). */
export function markAndReadStatement(marks: readonly ProcessedMark[], reads: readonly TopicRead[]) {
  const ctes: RawBuilder<unknown>[] = [
    sql`m as (
      insert into processed_notifications (query, notification_id, rows_digest, topic, source_timestamp, intake_id)
      select x.query, x.notification_id, x.rows_digest, x.topic, x.source_timestamp::numeric, x.intake_id
      from jsonb_to_recordset(${json(marks.map(markRecord))}) as x(query text, notification_id text, rows_digest text, topic text, source_timestamp text, intake_id text)
      order by x.query, x.notification_id, x.rows_digest
      on conflict do nothing
      returning query, notification_id, rows_digest)`,
  ];
  const selected: RawBuilder<unknown>[] = [sql`(select coalesce(jsonb_agg(m), '[]'::jsonb) from m) as marks`];
  reads.forEach((read, i) => {
    ctes.push(sql`${sql.raw(`d${i}`)} as (${documentState(read)})`);
    selected.push(sql`(select coalesce(jsonb_agg(${sql.raw(`d${i}`)}), '[]'::jsonb) from ${sql.raw(`d${i}`)}) as ${sql.raw(`d${i}`)}`);
    if (read.tables.lines !== undefined && read.lines.length > 0) {
      ctes.push(sql`${sql.raw(`l${i}`)} as (${lineState(read.tables.lines, read.lines)})`);
      selected.push(sql`(select coalesce(jsonb_agg(${sql.raw(`l${i}`)}), '[]'::jsonb) from ${sql.raw(`l${i}`)}) as ${sql.raw(`l${i}`)}`);
    }
  });
  return sql<Record<string, unknown>>`with ${sql.join(ctes)} select ${sql.join(selected)}`;
}

type ProcessedMarkKey = { query: string; notification_id: string; rows_digest: string };
type StoredDocumentRow = { k: string; ts: string; removed: boolean; live_lines?: number; newest_line?: string | null; header?: Record<string, unknown> };
type StoredLineRow = { k: string; ts: string; removed: boolean };

export function markKey(mark: Pick<ProcessedMark, 'query' | 'notificationId' | 'rowsDigest'>): string {
  return JSON.stringify([mark.query, mark.notificationId, mark.rowsDigest]);
}

function markRecord(mark: ProcessedMark) {
  return {
    query: mark.query,
    notification_id: mark.notificationId,
    rows_digest: mark.rowsDigest,
    topic: mark.topic,
    source_timestamp: mark.timeStamp,
    intake_id: mark.intakeId ?? null,
  };
}

/** Rows as `k` (the key as the planner spells it) and the key columns of `table`. */
function keysOf(table: RecordTable, rows: readonly Row[], keyText: (row: Row) => string) {
  const seen = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const k = keyText(row);
    if (!seen.has(k)) seen.set(k, { k, ...Object.fromEntries(table.key.map((c) => [c.column, row.key[c.field]])) });
  }
  return [...seen.values()];
}

function documentState(read: TopicRead): RawBuilder<unknown> {
  const { tables } = read;
  const document = tables.document;
  const keys = keysOf(document, read.documents, (row) => documentKeyOf(tables, row));
  const from = sql`from jsonb_to_recordset(${json(keys)}) as x(k text, ${sql.raw(typed(document.key))}) ${storedRowByKey(document.table, columnsOf(document.key), 'd')}`;
  if (tables.lines === undefined) {
    return sql`select x.k, d.source_timestamp::text as ts, d.removed_at is not null as removed ${from}`;
  }
  const lines = tables.lines;
  const sameDocument = sql.raw(document.key.map((c) => `l.${quoted(c.column)} = d.${quoted(c.column)}`).join(' and '));
  const header = sql.raw(
    `jsonb_build_object(${[...document.key, ...document.fields]
      .map((c) => `'${c.field}', d.${quoted(c.column)}${c.type === 'numeric' ? '::text' : ''}`)
      .join(', ')})`,
  );
  return sql`select x.k, d.source_timestamp::text as ts, d.removed_at is not null as removed, ${header} as header,
      (select count(*) from ${sql.id(lines.table)} as l where ${sameDocument} and l.removed_at is null)::int as live_lines,
      (select max(l.source_timestamp)::text from ${sql.id(lines.table)} as l where ${sameDocument}) as newest_line
    ${from}`;
}

function lineState(lines: RecordTable, rows: readonly Row[]): RawBuilder<unknown> {
  const keys = keysOf(lines, rows, (row) => row.rowKey);
  return sql`select x.k, l.source_timestamp::text as ts, l.removed_at is not null as removed
    from jsonb_to_recordset(${json(keys)}) as x(k text, ${sql.raw(typed(lines.key))}) ${storedRowByKey(lines.table, columnsOf(lines.key), 'l')}`;
}

/** One history row: what WMSi decided for one unit and one document. */
export interface HistoryRow {
  topic: string;
  documentKey: Record<string, unknown>;
  query: string;
  notificationId: string;
  timeStamp: string;
  intakeId: string | null;
  outcome: 'applied' | 'duplicate' | 'stale' | 'parked' | 'removal';
  changes: Array<{ rowKey: Record<string, unknown>; kind: string }>;
}

/**
 * The batch's whole effect in one statement: the records' new states (grouped by table and by the
 * fields they set), the history rows and the change log, returned in log order. Throws when
 * PostgreSQL wrote another number of records than planned: the state changed under the lock, and
 * the transaction must not commit.
 *
 * Of each logged change PostgreSQL returns only what it decided (position, TimeStamp as it stores
 * it, time applied); the rest is the entry this process sent. Returning the whole rows had
 * PostgreSQL print every record before and after as jsonb text and this process parse it back:
 * 19 against 11 ms for 1,000 logged lines. The insert takes the entries in log order, so their
 * seqs, taken as each row goes in, follow it.
 */
export async function writeBatch(trx: Executor, writes: readonly RecordWrite[], log: readonly LogEntry[], history: readonly HistoryRow[]): Promise<LoggedChange[]> {
  const ctes: RawBuilder<unknown>[] = [];
  const counted: RawBuilder<unknown>[] = [];
  for (const group of groupWrites(writes)) {
    const name = sql.raw(`w${ctes.length}`);
    ctes.push(sql`${name} as (${upsert(group)})`);
    counted.push(sql`(select count(*) from ${name})`);
  }
  if (history.length > 0) {
    ctes.push(sql`h as (
      insert into document_history (topic, document_key, query, notification_id, source_timestamp, intake_id, outcome, changes)
      select x.topic, x.document_key, x.query, x.notification_id, x.source_timestamp::numeric, x.intake_id, x.outcome, x.changes
      from jsonb_to_recordset(${json(history.map(historyRecord))}) as x(topic text, document_key jsonb, query text, notification_id text, source_timestamp text, intake_id text, outcome text, changes jsonb))`);
  }
  ctes.push(sql`logged as (
    insert into change_log (topic, kind, level, row_key, document_key, warehouse, previous_warehouse, source_timestamp, query, notification_id, before, after)
    select x.topic, x.kind, x.level, x.row_key, x.document_key, x.warehouse, x.previous_warehouse, x.source_timestamp::numeric, x.query, x.notification_id, x.before, x.after
    from jsonb_to_recordset(${json(log.map((entry, ord) => logRecord(entry, ord)))})
      as x(ord integer, topic text, kind text, level text, row_key jsonb, document_key jsonb, warehouse text, previous_warehouse text, source_timestamp text, query text, notification_id text, before jsonb, after jsonb)
    order by x.ord
    returning xid::text as xid, seq::text as seq, source_timestamp::text as source_timestamp, applied_at)`);
  const written = counted.length === 0 ? sql`0` : sql.join(counted, sql` + `);
  const result = await sql<LoggedPosition & { written: string | null }>`
    with ${sql.join(ctes)}
    select (${written})::text as written, logged.* from (select 1) as one left join logged on true order by logged.seq::bigint`.execute(trx);
  const writtenCount = Number(result.rows[0]?.written ?? 0);
  if (writtenCount !== writes.length) {
    throw new Error(`planned ${writes.length} record writes, PostgreSQL took ${writtenCount}: the stored state changed under the documents' locks`);
  }
  const positions = result.rows.filter((row) => row.seq != null);
  if (positions.length !== log.length) throw new Error(`logged ${positions.length} changes of ${log.length}`);
  // One position per entry, checked just above.
  return log.map((entry, ord) => loggedChange(entry, positions[ord] as LoggedPosition));
}

/** What PostgreSQL returns of a logged change. */
interface LoggedPosition {
  xid: string;
  seq: string;
  source_timestamp: string;
  applied_at: Date;
}

function loggedChange(entry: LogEntry, { xid, seq, source_timestamp, applied_at }: LoggedPosition): LoggedChange {
  return { xid, seq, ...changeColumns(entry), source_timestamp, applied_at };
}

interface WriteGroup {
  table: RecordTable;
  sent: StoredColumn[];
  withExtra: boolean;
  writes: RecordWrite[];
}

/** Writes grouped by table, by the fields they set and by whether they merge unknown columns. */
function groupWrites(writes: readonly RecordWrite[]): WriteGroup[] {
  const groups = new Map<string, WriteGroup>();
  for (const write of writes) {
    const sent = write.table.fields.filter((c) => Object.hasOwn(write.values, c.field));
    const withExtra = write.extra !== null;
    const signature = `${write.table.table}|${sent.map((c) => c.column).join(',')}|${withExtra}`;
    let group = groups.get(signature);
    if (group === undefined) groups.set(signature, (group = { table: write.table, sent, withExtra, writes: [] }));
    group.writes.push(write);
  }
  return [...groups.values()];
}

function upsert({ table, sent, withExtra, writes }: WriteGroup): RawBuilder<unknown> {
  const columns = [...table.key, ...sent];
  const records = writes.map((write) => {
    const record: Record<string, unknown> = { ts: write.timeStamp, removed_at: write.removedAt, nid: write.notificationId };
    for (const c of table.key) record[c.column] = write.key[c.field];
    for (const c of sent) record[c.column] = write.values[c.field];
    if (withExtra) record.extra = write.extra;
    return record;
  });
  const sets = [
    ...sent.map((c) => `${quoted(c.column)} = excluded.${quoted(c.column)}`),
    ...(withExtra ? ['extra = t.extra || excluded.extra'] : []),
    'source_timestamp = excluded.source_timestamp',
    'removed_at = excluded.removed_at',
    'applied_at = now()',
    'last_notification_id = excluded.last_notification_id',
  ];
  return sql`
    insert into ${sql.id(table.table)} as t (${sql.raw(list(columns))}, extra, source_timestamp, removed_at, last_notification_id)
    select ${sql.raw(list(columns, 'x.'))}, coalesce(x.extra, '{}'::jsonb), x.ts::numeric, x.removed_at::timestamptz, x.nid
    from jsonb_to_recordset(${json(records)}) as x(${sql.raw(typed(columns))}, extra jsonb, ts text, removed_at text, nid text)
    order by ${sql.raw(list(table.key, 'x.'))}
    on conflict (${sql.raw(list(table.key))}) do update set ${sql.raw(sets.join(', '))}
    returning 1`;
}

function logRecord(entry: LogEntry, ord: number) {
  return { ord, ...changeColumns(entry), source_timestamp: entry.timeStamp, query: entry.query, notification_id: entry.notificationId };
}

/** The change-log columns a log entry fills as it is: what is sent, and what an event gets back of it. */
function changeColumns(entry: LogEntry) {
  return {
    topic: entry.topic,
    kind: entry.kind,
    level: entry.level,
    row_key: entry.rowKey,
    document_key: entry.documentKey,
    warehouse: entry.warehouse,
    previous_warehouse: entry.previousWarehouse,
    before: entry.before,
    after: entry.after,
  };
}

function historyRecord(row: HistoryRow) {
  return {
    topic: row.topic,
    document_key: row.documentKey,
    query: row.query,
    notification_id: row.notificationId,
    source_timestamp: row.timeStamp,
    intake_id: row.intakeId,
    outcome: row.outcome,
    changes: row.changes,
  };
}
