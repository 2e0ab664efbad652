import type { Row } from '@wmsi/contracts';
import { documentKeyOf, isHeaderOnly, type TopicTables } from './record-tables.js';
import {
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
