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

export async function logChanges(
  db: Executor,
  tables: TopicTables,
  changes: readonly AppliedChange[],
  source: { query: string; notificationId: string; timeStamp: string },
): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('change_log')
    .values(
      changes.map((change) => {
        const row = (change.after ?? change.before)!;
        const warehouse = tables.warehouseField === undefined ? undefined : row.values[tables.warehouseField];
        return {
          topic: tables.topic satisfies Topic,
          kind: change.kind,
          row_key: JSON.stringify(row.key),
          document_key: JSON.stringify(documentKeyValues(tables, row)),
          warehouse: typeof warehouse === 'string' ? warehouse : null,
          source_timestamp: source.timeStamp,
          query: source.query,
          notification_id: source.notificationId,
          before: change.before === undefined ? null : JSON.stringify(change.before.values),
          after: change.after === undefined ? null : JSON.stringify(change.after.values),
        };
      }),
    )
    .execute();
}
