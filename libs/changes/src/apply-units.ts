import { toChangeEvent, type ChangeEvent } from '@wmsi/change-feed';
import type { Topic } from '@wmsi/contracts';
import { documentKeyOf, documentKeyValues, type Database, type TopicTables } from '@wmsi/db';
import { documentLockId, inLockedTransaction, markAndReadState, markKey, writeBatch, type HistoryRow, type TopicRead } from './batch-sql.js';
import { planTopic, type DocumentHistory, type LogEntry, type RecordWrite, type UnitOutcome } from './plan.js';
import { rowsOf, type WorkUnit } from './work-unit.js';

/** What applying a batch did to each of its units. */
export interface AppliedUnit {
  unit: WorkUnit;
  /** Processed before (a redelivery, or a retried job's unit already committed): nothing written. */
  duplicate: boolean;
  outcome: UnitOutcome | undefined;
}

export interface AppliedBatch {
  units: AppliedUnit[];
  /** The changes committed, in log order. */
  events: ChangeEvent[];
}

/**
 * Applies a batch of units in one transaction of four round trips, whatever its size:
 * 1. begin, with the advisory locks of every document it touches, in one global order;
 * 2. the units' dedup marks, and the stored state of those documents and their lines;
 * 3. (in memory) newest wins, unit by unit, record by record (see plan.ts);
 * 4. every record's new state, the change log and the history, in one statement.
 */
export async function applyUnits(db: Database, tablesOf: (topic: string) => TopicTables, units: readonly WorkUnit[]): Promise<AppliedBatch> {
  if (units.length === 0) return { units: [], events: [] };
  const lockIds = units.flatMap((unit) => unit.candidates.map((candidate) => documentLockId(tablesOf(unit.topic), candidate.kind === 'live' ? candidate.after : candidate.before)));
  return inLockedTransaction(db, lockIds, async (trx) => {
    const { newMarks, state } = await markAndReadState(trx, units.map((unit) => unit.mark), readsOf(tablesOf, units));

    // A notification delivered twice in one job has one mark: its first unit takes it.
    const applied: AppliedUnit[] = units.map((unit) => {
      const key = markKey(unit.mark);
      const first = newMarks.delete(key);
      return { unit, duplicate: !first, outcome: undefined };
    });

    const writes: RecordWrite[] = [];
    const log: LogEntry[] = [];
    for (const [topic, entries] of groupByTopic(applied.filter((entry) => !entry.duplicate))) {
      const plan = planTopic(tablesOf(topic), entries.map((entry) => entry.unit), state.get(topic) ?? { documents: new Map(), lines: new Map() });
      writes.push(...plan.writes);
      log.push(...plan.log);
      entries.forEach((entry, i) => (entry.outcome = plan.outcomes[i]));
    }
    const logged = await writeBatch(trx, writes, log, historyOf(tablesOf, applied));
    return { units: applied, events: logged.map(toChangeEvent) };
  });
}

function readsOf(tablesOf: (topic: string) => TopicTables, units: readonly WorkUnit[]): TopicRead[] {
  const reads = new Map<Topic, TopicRead & { documents: WorkUnit['parked']; lines: WorkUnit['parked'] }>();
  for (const unit of units) {
    const tables = tablesOf(unit.topic);
    let read = reads.get(unit.topic);
    if (read === undefined) reads.set(unit.topic, (read = { tables, documents: [], lines: [] }));
    for (const candidate of unit.candidates) {
      const row = candidate.kind === 'live' ? candidate.after : candidate.before;
      read.documents.push(row);
      if (tables.lines !== undefined && row.key.lineNbr !== null) read.lines.push(row);
    }
  }
  return [...reads.values()];
}

function groupByTopic(entries: readonly AppliedUnit[]): Map<Topic, AppliedUnit[]> {
  const groups = new Map<Topic, AppliedUnit[]>();
  for (const entry of entries) {
    const list = groups.get(entry.unit.topic) ?? [];
    groups.set(entry.unit.topic, list);
    list.push(entry);
  }
  return groups;
}

/** One history row per unit and document: what WMSi decided, and for which rows. */
function historyOf(tablesOf: (topic: string) => TopicTables, applied: readonly AppliedUnit[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const { unit, duplicate, outcome } of applied) {
    const tables = tablesOf(unit.topic);
    const base = {
      topic: unit.topic,
      query: unit.source.query,
      notificationId: unit.source.notificationId,
      timeStamp: unit.source.timeStamp,
      intakeId: unit.source.intakeId,
    };
    if (duplicate || outcome === undefined) {
      const documents = new Map(rowsOf(unit).map((row) => [documentKeyOf(tables, row), documentKeyValues(tables, row)]));
      for (const documentKey of documents.values()) rows.push({ ...base, documentKey, outcome: 'duplicate', changes: [] });
      continue;
    }
    for (const document of outcome.history.values()) rows.push({ ...base, documentKey: document.documentKey, outcome: decision(unit, document), changes: document.changes });
  }
  return rows;
}

function decision(unit: WorkUnit, document: DocumentHistory): HistoryRow['outcome'] {
  const kinds = new Set(document.changes.map((change) => change.kind));
  const applied = ['insert', 'update', 'paired', 'removal'].some((kind) => kinds.has(kind as never));
  if (unit.origin === 'window') return applied ? 'removal' : 'stale';
  if (applied) return 'applied';
  return kinds.has('parked') ? 'parked' : 'stale';
}
