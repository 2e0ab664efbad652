import type { Row } from '@wmsi/contracts';
import { documentKeyOf, isHeaderOnly, type RecordTable, type TopicTables } from '@wmsi/db';
import { sql } from 'kysely';
import { storedRowByKey, type Executor } from './batch-sql.js';

/**
 * The stored TimeStamp of each row's record (its line, or its document for a header-only row and a
 * topic without lines), by row key; rows never stored are absent. Read without locks, to decide
 * which lone Deleted rows need parking at all: one whose record already holds its TimeStamp or a
 * newer one can remove nothing.
 */
export async function storedRowTimeStamps(db: Executor, tables: TopicTables, rows: readonly Row[]): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  const lineRows = tables.lines === undefined ? [] : rows.filter((row) => !isHeaderOnly(tables, row));
  const documentRows = tables.lines === undefined ? rows : rows.filter((row) => isHeaderOnly(tables, row));
  if (tables.lines !== undefined) {
    const lines = await timeStampsOf(db, tables.lines, lineRows, (row) => row.rowKey);
    for (const row of lineRows) addFound(stored, row, lines.get(row.rowKey));
  }
  const documents = await timeStampsOf(db, tables.document, documentRows, (row) => documentKeyOf(tables, row));
  for (const row of documentRows) addFound(stored, row, documents.get(documentKeyOf(tables, row)));
  return stored;
}

function addFound(stored: Map<string, string>, row: Row, timeStamp: string | undefined): void {
  if (timeStamp !== undefined) stored.set(row.rowKey, timeStamp);
}

async function timeStampsOf(db: Executor, table: RecordTable, rows: readonly Row[], keyText: (row: Row) => string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (rows.length === 0) return found;
  const keys = rows.map((row) => ({ k: keyText(row), ...Object.fromEntries(table.key.map((c) => [c.column, row.key[c.field]])) }));
  const result = await storedTimeStampsStatement(table, keys).execute(db);
  for (const row of result.rows) found.set(row.k, row.ts);
  return found;
}

/** One table's read; `keys` hold `k` and the key's columns (exported for the test that checks its plan). */
export function storedTimeStampsStatement(table: RecordTable, keys: ReadonlyArray<Record<string, unknown>>) {
  const typed = table.key.map((c) => `"${c.column}" ${c.type}`).join(', ');
  return sql<{ k: string; ts: string }>`
    select x.k, t.source_timestamp::text as ts
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(k text, ${sql.raw(typed)})
    ${storedRowByKey(table.table, table.key.map((c) => c.column), 't')}`;
}
