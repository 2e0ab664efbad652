import type { Database, TopicTables } from '@wmsi/db';
import { sql } from 'kysely';

/**
 * Columns the declared tables need that the migrated schema lacks or types differently, as
 * "table.column: expected type (found ...)". Empty when the contract and the schema agree.
 */
export async function schemaMismatches(db: Database, topics: readonly TopicTables[]): Promise<string[]> {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select table_name, column_name, data_type from information_schema.columns where table_schema = 'public'`.execute(db);
  const found = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row.data_type]));
  const mismatches: string[] = [];
  for (const tables of topics) {
    for (const table of [tables.document, ...(tables.lines ? [tables.lines] : [])]) {
      for (const column of [...table.key, ...table.fields]) {
        const name = `${table.table}.${column.column}`;
        const type = found.get(name);
        if (type !== column.type) mismatches.push(`${name}: ${column.type} (found ${type ?? 'nothing'})`);
      }
    }
  }
  return mismatches;
}
