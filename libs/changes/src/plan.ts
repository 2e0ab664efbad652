import { compareTimeStamps, timeStampToDate, type Row } from '@wmsi/contracts';
import { documentKeyOf, documentKeyValues, isHeaderOnly, type RecordTable, type TopicTables } from '@wmsi/db';
import type { Candidate, ChangeSource, WorkUnit } from './work-unit.js';

// The newest-wins rules, decided in memory for a whole batch (ARCHITECTURE rules 3, 5 and 11), on
// the stored state read under the documents' locks. Pure: no I/O, so every delivery order can be
// tested against it directly.
//
// - A record takes a new state when it is newer than what it holds, or as new and the record is a
//   tombstone (the Inserted half of a transaction beats its removal); a removal only when newer.
// - A document is live while one of its lines is live: a line that becomes live brings its removed
//   document back, whatever the TimeStamps; a document goes with its last live line, at the newest
//   removal among its lines. Its header fields follow newest-wins on their own.
// - A header-only row (LineNbr null: a document without lines) writes the document alone.

/** What is stored for a record before the batch. */
export interface StoredRecord {
  timeStamp: string;
  removed: boolean;
}

/** What is stored for a document of a topic with lines. */
export interface StoredDocument extends StoredRecord {
  liveLines: number;
  /** The newest TimeStamp among its lines, live or removed. */
  newestLine: string | null;
  /** Its header fields as stored (canonical names), for the events about the document itself. */
  header: Record<string, unknown>;
}

export interface StoredState {
  /** By document key (JSON array), or by row key for topics without lines. */
  documents: ReadonlyMap<string, StoredDocument>;
  /** By row key (JSON array). */
  lines: ReadonlyMap<string, StoredRecord>;
}

/** A record's state after the batch: one upsert row. */
export interface RecordWrite {
  table: RecordTable;
  /** Key columns' values by field. */
  key: Record<string, unknown>;
  /** The fields to set (a field not sent keeps its stored value). */
  values: Record<string, unknown>;
  /** Unknown columns to merge into the stored ones, or null to leave them. */
  extra: Record<string, unknown> | null;
  timeStamp: string;
  /** The ERP time of the removing transaction (ISO), or null for a live record. */
  removedAt: string | null;
  notificationId: string;
}

/** One change-log row: what `sync.changes` streams. */
export interface LogEntry {
  topic: string;
  kind: 'insert' | 'update' | 'removal';
  level: 'document' | 'line';
  rowKey: Record<string, unknown>;
  documentKey: Record<string, unknown>;
  warehouse: string | null;
  previousWarehouse: string | null;
  timeStamp: string;
  query: string;
  notificationId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export type HistoryKind = 'insert' | 'update' | 'paired' | 'removal' | 'stale' | 'parked';

/** What one unit did, for its counts and its history rows. */
export interface UnitOutcome {
  applied: number;
  stale: number;
  removals: number;
  pairsAcross: number;
  /** Per document (by its key as JSON): each row of the unit and what became of it. */
  history: Map<string, DocumentHistory>;
}

export interface DocumentHistory {
  documentKey: Record<string, unknown>;
  changes: Array<{ rowKey: Record<string, unknown>; kind: HistoryKind }>;
}

export interface TopicPlan {
  writes: RecordWrite[];
  log: LogEntry[];
  outcomes: UnitOutcome[];
}

interface RecordState {
  exists: boolean;
  timeStamp: string | null;
  removed: boolean;
}

interface DocumentState extends RecordState {
  liveLines: number;
  newestLine: string | null;
  header: Record<string, unknown>;
}

/** A record being planned: its state moves with each change applied, and its write with it. */
interface PendingRecord<State extends RecordState = RecordState> {
  table: RecordTable;
  key: Record<string, unknown>;
  state: State;
  write: RecordWrite | undefined;
}

type PendingDocument = PendingRecord<DocumentState>;

interface Ordered {
  unit: number;
  source: ChangeSource;
  candidate: Candidate;
}

/** Plans the writes of one topic's new units (duplicates left out), given what is stored. */
export function planTopic(tables: TopicTables, units: readonly WorkUnit[], stored: StoredState): TopicPlan {
  const outcomes: UnitOutcome[] = units.map((unit) => startOutcome(tables, unit));
  const plan: TopicPlan = { writes: [], log: [], outcomes };

  const byDocument = new Map<string, Ordered[]>();
  units.forEach((unit, index) => {
    for (const candidate of unit.candidates) {
      const key = documentKeyOf(tables, rowOf(candidate));
      let list = byDocument.get(key);
      if (list === undefined) byDocument.set(key, (list = []));
      list.push({ unit: index, source: unit.source, candidate });
    }
  });

  for (const documentKey of [...byDocument.keys()].sort()) {
    const changes = (byDocument.get(documentKey) ?? []).sort(inApplyOrder);
    if (tables.lines === undefined) planRecord(tables, documentKey, changes, stored, plan);
    else planDocument(tables, tables.lines, documentKey, changes, stored, plan);
  }
  return plan;
}

/** Oldest first; at one TimeStamp a removal before a new state (the new state wins); then batch order. */
function inApplyOrder(a: Ordered, b: Ordered): number {
  const byTime = compareTimeStamps(a.source.timeStamp, b.source.timeStamp);
  if (byTime !== 0) return byTime;
  const rank = (o: Ordered) => (o.candidate.kind === 'removal' ? 0 : 1);
  return rank(a) - rank(b) || a.unit - b.unit;
}

/** A topic without lines: each row is its record. */
function planRecord(tables: TopicTables, key: string, changes: readonly Ordered[], stored: StoredState, plan: TopicPlan): void {
  const record = pendingRecord(tables.document, rowOf(changes[0]!.candidate), stored.documents.get(key));
  for (const { unit, source, candidate } of changes) {
    const outcome = plan.outcomes[unit]!;
    const row = rowOf(candidate);
    const takes = candidate.kind === 'live' ? takesLive(record.state, source.timeStamp) : takesRemoval(record.state, source.timeStamp);
    if (!takes) {
      recordStale(tables, outcome, row);
      continue;
    }
    applyToRecord(record, row, candidate.kind, source, { withExtra: true });
    plan.log.push(logEntry(tables, candidate, source, 'document'));
    recordApplied(tables, outcome, candidate, row);
  }
  if (record.write !== undefined) plan.writes.push(record.write);
}

function planDocument(
  tables: TopicTables,
  lineTable: RecordTable,
  documentKey: string,
  changes: readonly Ordered[],
  stored: StoredState,
  plan: TopicPlan,
): void {
  const storedDocument = stored.documents.get(documentKey);
  const document: PendingDocument = {
    ...pendingRecord(tables.document, rowOf(changes[0]!.candidate), storedDocument),
    state: {
      exists: storedDocument !== undefined,
      timeStamp: storedDocument?.timeStamp ?? null,
      removed: storedDocument?.removed ?? false,
      liveLines: storedDocument?.liveLines ?? 0,
      newestLine: storedDocument?.newestLine ?? null,
      header: { ...(storedDocument?.header ?? {}) },
    },
  };
  const lines = new Map<string, PendingRecord>();
  const lineOf = (row: Row) => {
    let line = lines.get(row.rowKey);
    if (line === undefined) lines.set(row.rowKey, (line = pendingRecord(lineTable, row, stored.lines.get(row.rowKey))));
    return line;
  };

  for (const { unit, source, candidate } of changes) {
    const outcome = plan.outcomes[unit]!;
    const row = rowOf(candidate);
    const applied = isHeaderOnly(tables, row)
      ? applyHeaderOnly(tables, document, row, candidate, source, plan)
      : applyLine(tables, document, lineOf(row), row, candidate, source, plan);
    if (applied) recordApplied(tables, outcome, candidate, row);
    else recordStale(tables, outcome, row);
  }
  if (document.write !== undefined) plan.writes.push(document.write);
  for (const key of [...lines.keys()].sort()) {
    const write = lines.get(key)!.write;
    if (write !== undefined) plan.writes.push(write);
  }
}

/** A line's new state or removal, and what it does to its document. */
function applyLine(
  tables: TopicTables,
  document: PendingDocument,
  line: PendingRecord,
  row: Row,
  candidate: Candidate,
  source: ChangeSource,
  plan: TopicPlan,
): boolean {
  const wasLive = line.state.exists && !line.state.removed;
  const doc = document.state;
  if (candidate.kind === 'live') {
    if (!takesLive(line.state, source.timeStamp)) return false;
    applyToRecord(line, row, 'live', source, { withExtra: true });
    plan.log.push(logEntry(tables, candidate, source, 'line'));
    if (!wasLive) doc.liveLines += 1;
    const revived = doc.exists && doc.removed;
    if (takesLive(doc, source.timeStamp)) {
      // The header fields the line row repeats, newest wins on the document.
      applyToRecord(document, row, 'live', source, { withExtra: false });
      Object.assign(doc.header, headerValues(tables, row));
    } else if (doc.removed) {
      // A live line's document is live, even when its header holds a newer TimeStamp.
      doc.removed = false;
      writeOf(document, source).removedAt = null;
    }
    if (revived) plan.log.push(documentEntry(tables, 'insert', document, source, null, doc.header));
    return true;
  }

  if (!takesRemoval(line.state, source.timeStamp)) return false;
  applyToRecord(line, row, 'removal', source, { withExtra: true });
  plan.log.push(logEntry(tables, candidate, source, 'line'));
  if (wasLive) doc.liveLines -= 1;
  doc.newestLine = newest(doc.newestLine, source.timeStamp);
  if (doc.liveLines === 0) removeDocumentWithLastLine(tables, document, row, source, plan);
  return true;
}

/** A header-only row: the document without lines, written or removed alone. */
function applyHeaderOnly(
  tables: TopicTables,
  document: PendingDocument,
  row: Row,
  candidate: Candidate,
  source: ChangeSource,
  plan: TopicPlan,
): boolean {
  const doc = document.state;
  if (candidate.kind === 'live') {
    if (!takesLive(doc, source.timeStamp)) return false;
    applyToRecord(document, row, 'live', source, { withExtra: true });
    Object.assign(doc.header, headerValues(tables, row));
    plan.log.push(logEntry(tables, candidate, source, 'document'));
    return true;
  }
  // The header-only row left the inquiry: the document goes, unless a line of it is live (the row
  // left because the document got its first line).
  if (!takesRemoval(doc, source.timeStamp) || doc.liveLines > 0) return false;
  if (!doc.exists) applyToRecord(document, row, 'removal', source, { withExtra: true });
  markDocumentRemoved(document, newest(doc.newestLine, source.timeStamp), source);
  plan.log.push(logEntry(tables, candidate, source, 'document'));
  return true;
}

/** The document goes with its last live line, at the newest removal among its lines. */
function removeDocumentWithLastLine(tables: TopicTables, document: PendingDocument, row: Row, source: ChangeSource, plan: TopicPlan): void {
  const doc = document.state;
  const removedAt = newest(doc.newestLine, source.timeStamp);
  // A document newer than every removal of its lines stays: a header-only row of that transaction
  // (the document left without lines) keeps it in the inquiry.
  if (doc.exists && doc.timeStamp !== null && compareTimeStamps(removedAt, doc.timeStamp) <= 0) return;
  const wasLive = doc.exists && !doc.removed;
  if (!doc.exists) {
    // Never seen: a tombstone with the header the removed line carried, so an older insert arriving
    // later finds it removed.
    applyToRecord(document, row, 'removal', source, { withExtra: false });
    Object.assign(doc.header, headerValues(tables, row));
  }
  markDocumentRemoved(document, removedAt, source);
  if (wasLive) plan.log.push(documentEntry(tables, 'removal', document, source, doc.header, null));
}

function markDocumentRemoved(document: PendingDocument, timeStamp: string, source: ChangeSource): void {
  document.state.removed = true;
  document.state.timeStamp = timeStamp;
  const write = writeOf(document, source);
  write.timeStamp = timeStamp;
  write.removedAt = timeStampToDate(timeStamp).toISOString();
  write.notificationId = source.notificationId;
}

/** The record's write, started from its stored state when this is its first change. */
function writeOf(record: PendingRecord, source: ChangeSource): RecordWrite {
  record.write ??= {
    table: record.table,
    key: record.key,
    values: {},
    extra: null,
    timeStamp: record.state.timeStamp ?? source.timeStamp,
    removedAt: record.state.removed ? timeStampToDate(record.state.timeStamp ?? source.timeStamp).toISOString() : null,
    notificationId: source.notificationId,
  };
  return record.write;
}

/**
 * Applies a row's new state or its removal to a record. A new state sets the fields it sent; a
 * removal keeps the record's last values (a tombstone), or, for a record never seen, the values the
 * removed row carried.
 */
function applyToRecord(record: PendingRecord, row: Row, kind: 'live' | 'removal', source: ChangeSource, { withExtra }: { withExtra: boolean }): void {
  const takesValues = kind === 'live' || !record.state.exists;
  const write = writeOf(record, source);
  if (takesValues) {
    Object.assign(write.values, fieldValues(record.table, row));
    if (withExtra) write.extra = { ...(write.extra ?? {}), ...row.extra };
  }
  write.timeStamp = source.timeStamp;
  write.notificationId = source.notificationId;
  write.removedAt = kind === 'live' ? null : timeStampToDate(source.timeStamp).toISOString();
  record.state = { ...record.state, exists: true, timeStamp: source.timeStamp, removed: kind === 'removal' };
}

function pendingRecord(table: RecordTable, row: Row, stored: StoredRecord | undefined): PendingRecord {
  return {
    table,
    key: keyValues(table, row),
    state: { exists: stored !== undefined, timeStamp: stored?.timeStamp ?? null, removed: stored?.removed ?? false },
    write: undefined,
  };
}

/** A new state is taken when newer, or as new and the record is a tombstone, or by a new record. */
function takesLive(state: RecordState, timeStamp: string): boolean {
  if (!state.exists || state.timeStamp === null) return true;
  const order = compareTimeStamps(timeStamp, state.timeStamp);
  return order > 0 || (order === 0 && state.removed);
}

/** A removal is taken only when newer (or by a record never seen, which becomes a tombstone). */
function takesRemoval(state: RecordState, timeStamp: string): boolean {
  return !state.exists || state.timeStamp === null || compareTimeStamps(timeStamp, state.timeStamp) > 0;
}

function newest(a: string | null, b: string): string {
  return a === null || compareTimeStamps(b, a) > 0 ? b : a;
}

function rowOf(candidate: Candidate): Row {
  return candidate.kind === 'live' ? candidate.after : candidate.before;
}

function keyValues(table: RecordTable, row: Row): Record<string, unknown> {
  return Object.fromEntries(table.key.map((column) => [column.field, row.key[column.field]]));
}

/** The row's sent fields that `table` stores (a field not sent is left out: it keeps its value). */
function fieldValues(table: RecordTable, row: Row): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const column of table.fields) if (Object.hasOwn(row.values, column.field)) values[column.field] = row.values[column.field];
  return values;
}

function headerValues(tables: TopicTables, row: Row): Record<string, unknown> {
  return { ...documentKeyValues(tables, row), ...fieldValues(tables.document, row) };
}

function warehouseOf(tables: TopicTables, values: Record<string, unknown> | null | undefined): string | null {
  const warehouse = tables.warehouseField === undefined ? undefined : values?.[tables.warehouseField];
  return typeof warehouse === 'string' ? warehouse : null;
}

function logEntry(tables: TopicTables, candidate: Candidate, source: ChangeSource, level: 'document' | 'line'): LogEntry {
  const row = rowOf(candidate);
  const before = candidate.kind === 'live' ? (candidate.before?.values ?? null) : candidate.before.values;
  const after = candidate.kind === 'live' ? candidate.after.values : null;
  const warehouse = warehouseOf(tables, after ?? before);
  const previous = after !== null && before !== null ? warehouseOf(tables, before) : null;
  return {
    topic: tables.topic,
    kind: candidate.kind === 'live' ? candidate.change : 'removal',
    level,
    rowKey: row.key,
    documentKey: documentKeyValues(tables, row),
    warehouse,
    previousWarehouse: previous !== warehouse ? previous : null,
    timeStamp: source.timeStamp,
    query: source.query,
    notificationId: source.notificationId,
    before,
    after,
  };
}

/** An event about the document itself: it came back with a line, or went with its last one. */
function documentEntry(
  tables: TopicTables,
  kind: 'insert' | 'removal',
  document: PendingDocument,
  source: ChangeSource,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): LogEntry {
  return {
    topic: tables.topic,
    kind,
    level: 'document',
    rowKey: document.key,
    documentKey: document.key,
    warehouse: warehouseOf(tables, after ?? before),
    previousWarehouse: null,
    timeStamp: source.timeStamp,
    query: source.query,
    notificationId: source.notificationId,
    before: before === null ? null : { ...before },
    after: after === null ? null : { ...after },
  };
}

function startOutcome(tables: TopicTables, unit: WorkUnit): UnitOutcome {
  const outcome: UnitOutcome = { applied: 0, stale: unit.superseded.length, removals: 0, pairsAcross: 0, history: new Map() };
  for (const row of unit.parked) addHistory(tables, outcome, row, 'parked');
  for (const row of unit.superseded) addHistory(tables, outcome, row, 'stale');
  for (const row of unit.pairedInBatch) addHistory(tables, outcome, row, 'paired');
  return outcome;
}

function recordApplied(tables: TopicTables, outcome: UnitOutcome, candidate: Candidate, row: Row): void {
  outcome.applied += 1;
  if (candidate.kind === 'removal') {
    outcome.removals += 1;
    addHistory(tables, outcome, row, 'removal');
    return;
  }
  if (candidate.pairedAcross) outcome.pairsAcross += 1;
  addHistory(tables, outcome, row, candidate.pairedAcross ? 'paired' : candidate.change);
}

function recordStale(tables: TopicTables, outcome: UnitOutcome, row: Row): void {
  outcome.stale += 1;
  addHistory(tables, outcome, row, 'stale');
}

function addHistory(tables: TopicTables, outcome: UnitOutcome, row: Row, kind: HistoryKind): void {
  const key = documentKeyOf(tables, row);
  let document = outcome.history.get(key);
  if (document === undefined) outcome.history.set(key, (document = { documentKey: documentKeyValues(tables, row), changes: [] }));
  document.changes.push({ rowKey: row.key, kind });
}
