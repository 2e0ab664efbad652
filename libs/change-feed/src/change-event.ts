import type { Topic } from '@wmsi/contracts';
import { encodePosition } from './positions.js';

export type ChangeKind = 'insert' | 'update' | 'removal';

/** A change as clients receive it (`sync.changes`, `sync.pull`): one applied change, after its commit. */
export interface ChangeEvent {
  /** The event id: the change's position in the log, a cursor to resume from (opaque text). */
  id: string;
  topic: Topic;
  kind: ChangeKind;
  /** `line` for a line's change; `document` for a record without lines, a header-only row, or a document that went with its last line or came back with one. */
  level: 'document' | 'line';
  rowKey: Record<string, unknown>;
  documentKey: Record<string, unknown>;
  /** The warehouse the record is in after the change (before it, for a removal). */
  warehouse: string | null;
  /** The warehouse it left, when the change moved it: followers of that warehouse see it leave. */
  previousWarehouse: string | null;
  /** The 64-bit TimeStamp of the ERP transaction, as a decimal string. */
  sourceTimestamp: string;
  appliedAt: string;
  /** The row's fields before and after (canonical names; quantities as decimal strings). */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** A change-log row as read with its position as text (xid8 and bigint never pass through a JS number). */
export interface LoggedChange {
  xid: string;
  seq: string;
  topic: string;
  kind: string;
  level: string;
  row_key: unknown;
  document_key: unknown;
  warehouse: string | null;
  previous_warehouse: string | null;
  source_timestamp: string;
  applied_at: Date | string;
  before: unknown;
  after: unknown;
}

/** The columns to select for a LoggedChange (positions and TimeStamps as text), of the table aliased `alias`. */
export function loggedChangeColumns(alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return (
    `${a}xid::text as xid, ${a}seq::text as seq, ${a}topic, ${a}kind, ${a}level, ${a}row_key, ${a}document_key, ${a}warehouse, ` +
    `${a}previous_warehouse, ${a}source_timestamp::text as source_timestamp, ${a}applied_at, ${a}before, ${a}after`
  );
}

export const LOGGED_CHANGE_COLUMNS = loggedChangeColumns();

export function toChangeEvent(row: LoggedChange): ChangeEvent {
  return {
    id: encodePosition({ xid: row.xid, seq: row.seq }),
    topic: row.topic as Topic,
    kind: row.kind as ChangeKind,
    level: row.level as ChangeEvent['level'],
    rowKey: row.row_key as Record<string, unknown>,
    documentKey: row.document_key as Record<string, unknown>,
    warehouse: row.warehouse,
    previousWarehouse: row.previous_warehouse,
    sourceTimestamp: row.source_timestamp,
    appliedAt: (row.applied_at instanceof Date ? row.applied_at : new Date(row.applied_at)).toISOString(),
    before: (row.before ?? null) as Record<string, unknown> | null,
    after: (row.after ?? null) as Record<string, unknown> | null,
  };
}

/**
 * The Redis channel the workers publish on after each commit. It only wakes the API processes'
 * feeds, which then read the log: the log is the truth, so a message lost is a wake-up late, never
 * a change lost.
 */
export function changesChannel(prefix: string): string {
  return `${prefix}:changes`;
}
