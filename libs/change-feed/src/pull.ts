import { TOPICS, type Topic } from '@wmsi/contracts';
import { TOPIC_TABLES, type Database, type RecordTable, type TopicTables } from '@wmsi/db';
import { sql } from 'kysely';
import { startingPoint, ResyncRequired } from './follow.js';
import type { ChangeTail } from './change-tail.js';
import { readChanges, type ChangeFilter, cursorAfter } from './log-reader.js';
import { decodePosition, encodePosition, type Position } from './positions.js';

// Delta sync for handhelds that work offline (the shape of WatermelonDB's pull protocol):
// 1. the first pull (no `since`) pages through a snapshot of every live record, and its last page
//    gives a cursor taken when the snapshot began;
// 2. each later pull gives the records changed after the cursor, in their current state (removed
//    ones as tombstones), and the next cursor;
// 3. a cursor older than the log keeps is answered RESYNC_REQUIRED: pull a snapshot again.
// Records come in their current state, so applying a page twice, or a change seen in the snapshot
// again in the first delta, is harmless.

export interface PullRequest {
  since?: string;
  topics?: readonly Topic[];
  warehouse?: string;
  /** Documents per snapshot page, or log entries per delta page. */
  limit: number;
}

/** One record in its current state: a document (or a record without lines) or a line. */
export interface PulledRecord {
  topic: Topic;
  level: 'document' | 'line';
  key: Record<string, unknown>;
  documentKey: Record<string, unknown>;
  /** `removed`: a tombstone; `moved`: it left the warehouse this pull is filtered on. */
  state: 'live' | 'removed' | 'moved';
  /** The stored fields (camelCase; quantities and TimeStamps as decimal strings), with removedAt and sourceTimestamp. */
  record: Record<string, unknown>;
}

export interface PullPage {
  records: PulledRecord[];
  /** Pass as `since` to the next pull. */
  cursor: string;
  /** More of this snapshot or delta is waiting: pull again at once. */
  hasMore: boolean;
  /** This page belongs to a snapshot (the first pull, or a resync). */
  snapshot: boolean;
}

interface SnapshotCursor {
  kind: 'snapshot';
  /** Where the log stood when the snapshot began: the delta starts there. */
  from: Position;
  topic: number;
  after: unknown[] | null;
}

const SNAPSHOT_PREFIX = 's.';

export async function pullChanges(deps: { db: Database; tail: ChangeTail }, request: PullRequest): Promise<PullPage> {
  const topics = request.topics !== undefined && request.topics.length > 0 ? TOPICS.filter((topic) => request.topics!.includes(topic)) : [...TOPICS];
  if (request.since === undefined) {
    return snapshotPage(deps.db, { kind: 'snapshot', from: await startingPoint(deps, undefined), topic: 0, after: null }, topics, request);
  }
  if (request.since.startsWith(SNAPSHOT_PREFIX)) return snapshotPage(deps.db, decodeSnapshotCursor(request.since), topics, request);
  return deltaPage(deps, await startingPoint(deps, request.since), topics, request);
}

async function deltaPage(deps: { db: Database }, since: Position, topics: readonly Topic[], request: PullRequest): Promise<PullPage> {
  const filter: ChangeFilter = { topics, warehouse: request.warehouse };
  const page = await readChanges(deps.db, { after: since, filter, limit: request.limit });
  const wanted = new Map<string, { topic: Topic; level: 'document' | 'line'; key: Record<string, unknown>; documentKey: Record<string, unknown> }>();
  for (const event of page.events) {
    const level = event.level;
    wanted.set(JSON.stringify([event.topic, level, event.rowKey]), { topic: event.topic, level, key: event.rowKey, documentKey: event.documentKey });
  }
  const records: PulledRecord[] = [];
  for (const topic of topics) {
    const tables = TOPIC_TABLES[topic];
    for (const level of ['document', 'line'] as const) {
      const keys = [...wanted.values()].filter((entry) => entry.topic === topic && entry.level === level);
      if (keys.length === 0) continue;
      const table = level === 'line' && tables.lines !== undefined ? tables.lines : tables.document;
      for (const found of await currentRecords(deps.db, tables, table, keys.map((entry) => entry.key))) {
        records.push(pulled(tables, level, found, request.warehouse));
      }
    }
  }
  const cursor = cursorAfter(page, since, request.limit);
  return { records, cursor: encodePosition(cursor), hasMore: page.events.length >= request.limit, snapshot: false };
}

async function snapshotPage(db: Database, cursor: SnapshotCursor, topics: readonly Topic[], request: PullRequest): Promise<PullPage> {
  const records: PulledRecord[] = [];
  let { topic: topicIndex, after } = cursor;
  // A key of another length than the topic's is no key a page gave (the SQL row comparison would fail).
  if (after !== null && topicIndex < topics.length && after.length !== TOPIC_TABLES[topics[topicIndex]!].document.key.length) {
    throw new ResyncRequired('Not a cursor this API gave: pull a snapshot again (without `since`)');
  }
  while (topicIndex < topics.length) {
    const tables = TOPIC_TABLES[topics[topicIndex]!];
    const documents = await liveDocuments(db, tables, after, request.limit - countDocuments(records), request.warehouse);
    for (const document of documents) records.push(pulled(tables, 'document', document, undefined));
    if (tables.lines !== undefined && documents.length > 0) {
      for (const line of await liveLinesOf(db, tables, documents)) records.push(pulled(tables, 'line', line, undefined));
    }
    const last = documents.at(-1);
    if (countDocuments(records) >= request.limit && last !== undefined) {
      after = tables.document.key.map((column) => last[column.column]);
      return { records, cursor: encodeSnapshotCursor({ ...cursor, topic: topicIndex, after }), hasMore: true, snapshot: true };
    }
    topicIndex += 1;
    after = null;
  }
  return { records, cursor: encodePosition(cursor.from), hasMore: false, snapshot: true };
}

function countDocuments(records: readonly PulledRecord[]): number {
  return records.filter((record) => record.level === 'document').length;
}

type StoredRow = Record<string, unknown>;

/** Live documents of a topic after a key, in key order (those of one warehouse when asked). */
async function liveDocuments(db: Database, tables: TopicTables, after: unknown[] | null, limit: number, warehouse: string | undefined): Promise<StoredRow[]> {
  if (limit <= 0) return [];
  const document = tables.document;
  const keyColumns = document.key.map((c) => `d."${c.column}"`).join(', ');
  const conditions = [sql`d.removed_at is null`];
  if (after !== null) conditions.push(sql`(${sql.raw(keyColumns)}) > (${sql.join(after.map((value, i) => sql`${value}::${sql.raw(document.key[i]!.type)}`))})`);
  if (warehouse !== undefined) conditions.push(warehouseCondition(tables, warehouse));
  const result = await sql<StoredRow>`
    select ${sql.raw(selectColumns(document, 'd'))} from ${sql.id(document.table)} as d
    where ${sql.join(conditions, sql` and `)} order by ${sql.raw(keyColumns)} limit ${limit}`.execute(db);
  return result.rows;
}

/** A document of the warehouse: by its own warehouse column, or (adjustments) by a line's. */
function warehouseCondition(tables: TopicTables, warehouse: string) {
  const field = tables.warehouseField;
  const onDocument = tables.document.fields.find((c) => c.field === field);
  if (onDocument !== undefined) return sql`d.${sql.id(onDocument.column)} = ${warehouse}`;
  const onLine = tables.lines?.fields.find((c) => c.field === field);
  if (onLine === undefined || tables.lines === undefined) return sql`true`;
  const same = tables.document.key.map((c) => `l."${c.column}" = d."${c.column}"`).join(' and ');
  return sql`exists (select 1 from ${sql.id(tables.lines.table)} as l where ${sql.raw(same)} and l.${sql.id(onLine.column)} = ${warehouse} and l.removed_at is null)`;
}

async function liveLinesOf(db: Database, tables: TopicTables, documents: readonly StoredRow[]): Promise<StoredRow[]> {
  const lines = tables.lines!;
  const document = tables.document;
  const keys = documents.map((row) => Object.fromEntries(document.key.map((c) => [c.column, row[c.column]])));
  const typed = document.key.map((c) => `"${c.column}" ${c.type}`).join(', ');
  const using = document.key.map((c) => `"${c.column}"`).join(', ');
  const result = await sql<StoredRow>`
    select ${sql.raw(selectColumns(lines, 'l'))}
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(${sql.raw(typed)})
    join ${sql.id(lines.table)} as l using (${sql.raw(using)})
    where l.removed_at is null
    order by ${sql.raw(lines.key.map((c) => `l."${c.column}"`).join(', '))}`.execute(db);
  return result.rows;
}

/** The current rows of `table` for keys given by field, with the document's warehouse for lines that lack one. */
async function currentRecords(db: Database, tables: TopicTables, table: RecordTable, keys: ReadonlyArray<Record<string, unknown>>): Promise<StoredRow[]> {
  const records = keys.map((key) => Object.fromEntries(table.key.map((c) => [c.column, key[c.field]])));
  const typed = table.key.map((c) => `"${c.column}" ${c.type}`).join(', ');
  const using = table.key.map((c) => `"${c.column}"`).join(', ');
  const field = tables.warehouseField;
  const ownWarehouse = table.fields.find((c) => c.field === field);
  const documentWarehouse = tables.document.fields.find((c) => c.field === field);
  const sameDocument = tables.document.key.map((c) => `d."${c.column}" = r."${c.column}"`).join(' and ');
  const warehouse =
    ownWarehouse !== undefined
      ? sql`r.${sql.id(ownWarehouse.column)}`
      : documentWarehouse !== undefined && table !== tables.document
        ? sql`(select d.${sql.id(documentWarehouse.column)} from ${sql.id(tables.document.table)} as d where ${sql.raw(sameDocument)})`
        : sql`null::text`;
  const result = await sql<StoredRow>`
    select ${sql.raw(selectColumns(table, 'r'))}, ${warehouse} as current_warehouse__
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(${sql.raw(typed)})
    join ${sql.id(table.table)} as r using (${sql.raw(using)})`.execute(db);
  return result.rows;
}

/** Every stored column, numbers PostgreSQL keeps exactly as text. */
function selectColumns(table: RecordTable, alias: string): string {
  const stored = [...table.key, ...table.fields].map((c) => `${alias}."${c.column}"${c.type === 'numeric' ? '::text' : ''} as "${c.column}"`);
  return [...stored, `${alias}.extra`, `${alias}.source_timestamp::text as source_timestamp`, `${alias}.removed_at`, `${alias}.applied_at`, `${alias}.last_notification_id`].join(', ');
}

function pulled(tables: TopicTables, level: 'document' | 'line', row: StoredRow, warehouse: string | undefined): PulledRecord {
  const table = level === 'line' && tables.lines !== undefined ? tables.lines : tables.document;
  const { current_warehouse__: currentWarehouse, ...stored } = row;
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(stored)) record[camelCase(column)] = value instanceof Date ? value.toISOString() : value;
  const key = Object.fromEntries(table.key.map((c) => [c.field, row[c.column]]));
  const documentKey = Object.fromEntries(tables.document.key.map((c) => [c.field, row[c.column]]));
  const state = row.removed_at != null ? 'removed' : warehouse !== undefined && currentWarehouse !== undefined && currentWarehouse !== warehouse ? 'moved' : 'live';
  return { topic: tables.topic, level, key, documentKey, state, record };
}

function camelCase(column: string): string {
  return column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function encodeSnapshotCursor(cursor: SnapshotCursor): string {
  return SNAPSHOT_PREFIX + Buffer.from(JSON.stringify([encodePosition(cursor.from), cursor.topic, cursor.after])).toString('base64url');
}

function decodeSnapshotCursor(text: string): SnapshotCursor {
  try {
    const [from, topic, after] = JSON.parse(Buffer.from(text.slice(SNAPSHOT_PREFIX.length), 'base64url').toString()) as [string, number, unknown[] | null];
    const position = decodePosition(from);
    // A key part as a page gave it; never U+0000, which PostgreSQL cannot cast to text (a 500).
    const scalar = (value: unknown) => (typeof value === 'string' && value.length <= 200 && !value.includes('\u0000')) || (typeof value === 'number' && Number.isSafeInteger(value));
    if (position !== undefined && Number.isInteger(topic) && topic >= 0 && topic <= TOPICS.length && (after === null || (Array.isArray(after) && after.length <= 3 && after.every(scalar)))) {
      return { kind: 'snapshot', from: position, topic, after };
    }
  } catch {
    // not a cursor this API gave
  }
  throw new ResyncRequired('Not a cursor this API gave: pull a snapshot again (without `since`)');
}
