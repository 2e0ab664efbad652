import type { Row } from '@wmsi/contracts';

/** An update signalled by one transaction: the row's old state and its new state. */
export interface RowUpdate {
  before: Row;
  after: Row;
}

export interface PairedRows {
  /** `Deleted` and `Inserted` rows of this notification that share a row key. */
  updates: RowUpdate[];
  /** `Inserted` rows without a `Deleted` partner here: an insert, or the late half of a split update. */
  loneInserted: Row[];
  /** `Deleted` rows without an `Inserted` partner here: parked until their window ends. */
  loneDeleted: Row[];
}

/**
 * Pairs the rows of one notification by trimmed row key. Acumatica sends one row per key and side;
 * if a key repeats on one side, the last row wins, as a later write of the same record would.
 */
export function pairWithinNotification(inserted: readonly Row[], deleted: readonly Row[]): PairedRows {
  const insertedByKey = new Map(inserted.map((row) => [row.rowKey, row]));
  const deletedByKey = new Map(deleted.map((row) => [row.rowKey, row]));
  const updates: RowUpdate[] = [];
  const loneDeleted: Row[] = [];
  for (const [rowKey, before] of deletedByKey) {
    const after = insertedByKey.get(rowKey);
    if (after === undefined) loneDeleted.push(before);
    else updates.push({ before, after });
  }
  const loneInserted = [...insertedByKey.values()].filter((row) => !deletedByKey.has(row.rowKey));
  return { updates, loneInserted, loneDeleted };
}
