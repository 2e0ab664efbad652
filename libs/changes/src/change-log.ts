import type { Row, Topic } from '@wmsi/contracts';
import type { Executor } from './record-writes.js';
import { documentKeyValues, type TopicTables } from './record-tables.js';

export type ChangeKind = 'insert' | 'update' | 'removal';

/** One applied row change, as `sync.changes` will stream it. */
export interface AppliedChange {
  kind: ChangeKind;
  /** The row's old state (update, removal) and new state (insert, update), canonical fields. */
  before?: Row;
  after?: Row;
}

/** A change as clients receive it (`sync.changes`): one applied row change, after its commit. */
export interface ChangeEvent {
  /** Position in the change log, as a decimal string: the event id a client resumes from. */
  seq: string;
  topic: Topic;
  kind: ChangeKind;
  rowKey: Record<string, unknown>;
  documentKey: Record<string, unknown>;
  warehouse: string | null;
  /** The 64-bit TimeStamp of the ERP transaction, as a decimal string. */
  sourceTimestamp: string;
  appliedAt: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export async function logChanges(
  db: Executor,
  tables: TopicTables,
  changes: readonly AppliedChange[],
  source: { query: string; notificationId: string; timeStamp: string },
): Promise<ChangeEvent[]> {
  if (changes.length === 0) return [];
  const logged = await db
    .insertInto('change_log')
    .values(
      changes.map((change) => {
        const entry = changeLogEntry(tables, change);
        return {
          topic: tables.topic satisfies Topic,
          kind: entry.kind,
          row_key: JSON.stringify(entry.row_key),
          document_key: JSON.stringify(entry.document_key),
          warehouse: entry.warehouse,
          source_timestamp: source.timeStamp,
          query: source.query,
          notification_id: source.notificationId,
          before: entry.before === null ? null : JSON.stringify(entry.before),
          after: entry.after === null ? null : JSON.stringify(entry.after),
        };
      }),
    )
    .returning(['seq', 'topic', 'kind', 'row_key', 'document_key', 'warehouse', 'source_timestamp', 'applied_at', 'before', 'after'])
    .execute();
  return logged.map(toChangeEvent);
}

/** What a change's change-log row says of it, besides its source (the ERP transaction). */
export function changeLogEntry(tables: TopicTables, change: AppliedChange) {
  const row = (change.after ?? change.before)!;
  const warehouse = tables.warehouseField === undefined ? undefined : row.values[tables.warehouseField];
  return {
    kind: change.kind,
    row_key: row.key,
    document_key: documentKeyValues(tables, row),
    warehouse: typeof warehouse === 'string' ? warehouse : null,
    before: change.before?.values ?? null,
    after: change.after?.values ?? null,
  };
}

type LoggedChange = {
  seq: string;
  topic: string;
  kind: string;
  row_key: unknown;
  document_key: unknown;
  warehouse: string | null;
  source_timestamp: string;
  applied_at: Date;
  before: unknown;
  after: unknown;
};

/** A change-log row as the event clients see. */
export function toChangeEvent(row: LoggedChange): ChangeEvent {
  return {
    seq: row.seq,
    topic: row.topic as Topic,
    kind: row.kind as ChangeKind,
    rowKey: row.row_key as Record<string, unknown>,
    documentKey: row.document_key as Record<string, unknown>,
    warehouse: row.warehouse,
    sourceTimestamp: row.source_timestamp,
    appliedAt: row.applied_at.toISOString(),
    before: (row.before ?? null) as Record<string, unknown> | null,
    after: (row.after ?? null) as Record<string, unknown> | null,
  };
}

/** The Redis channel every worker publishes committed changes on, and every API process reads. */
export function changesChannel(prefix: string): string {
  return `${prefix}:changes`;
}
