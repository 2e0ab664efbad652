import { COLUMN_CONTRACTS, type ColumnContract, type ColumnKind, type Row, type Topic } from '@wmsi/contracts';

export type SqlType = 'text' | 'numeric' | 'integer' | 'boolean';

export interface StoredColumn {
  /** Canonical field name (contracts). */
  field: string;
  /** Column name in PostgreSQL: the field in snake_case. */
  column: string;
  type: SqlType;
}

/** One table of records: a document table (header fields) or its line table. */
export interface RecordTable {
  table: string;
  key: readonly StoredColumn[];
  /** Every other field the table stores. */
  fields: readonly StoredColumn[];
}

/**
 * Where a topic's rows are kept. A line-level inquiry repeats the header on every line: the header
 * fields go to `document` (keyed without LineNbr), the line fields to `lines`. A topic without
 * lines (stock items) keeps every field on `document`, one record per row.
 */
export interface TopicTables {
  topic: Topic;
  document: RecordTable;
  lines?: RecordTable;
  /** Field that says which warehouse a row is about, for filtering the change stream. */
  warehouseField?: string;
}

const SQL_TYPES: Record<ColumnKind, SqlType> = {
  id: 'text',
  label: 'text',
  text: 'text',
  // Dates stay text: see the domain records migration.
  date: 'text',
  quantity: 'numeric',
  integer: 'integer',
  boolean: 'boolean',
};

export function columnName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function stored(column: ColumnContract): StoredColumn {
  return { field: column.field, column: columnName(column.field), type: SQL_TYPES[column.kind] };
}

/** Declares a topic's tables; which field goes where comes from the topic's column contract. */
export function topicTables(topic: Topic, tables: { document: string; lines?: string }): TopicTables {
  const contract = COLUMN_CONTRACTS[topic];
  const keyOf = (fields: readonly string[]) =>
    fields.map((field) => stored(contract.columns.find((column) => column.field === field)!));
  const warehouseField = ['warehouse', 'defaultWarehouse'].find((field) =>
    contract.columns.some((column) => column.field === field),
  );
  if (tables.lines === undefined) {
    return {
      topic,
      warehouseField,
      document: {
        table: tables.document,
        key: keyOf(contract.keyFields),
        fields: contract.columns.filter((column) => !column.key).map(stored),
      },
    };
  }
  const onDocument = (column: ColumnContract) => column.level !== 'line';
  return {
    topic,
    warehouseField,
    document: {
      table: tables.document,
      key: keyOf(contract.documentKeyFields),
      fields: contract.columns.filter((column) => !column.key && onDocument(column)).map(stored),
    },
    lines: {
      table: tables.lines,
      key: keyOf(contract.keyFields),
      fields: contract.columns.filter((column) => !column.key && column.level !== 'header').map(stored),
    },
  };
}

/** A row of a line-level topic with LineNbr null: a left-joined document that has no lines. */
export function isHeaderOnly(tables: TopicTables, row: Row): boolean {
  return tables.lines !== undefined && row.key.lineNbr === null;
}

/** The document a row belongs to, as one stable string (JSON array of the document key). */
export function documentKeyOf(tables: TopicTables, row: Row): string {
  return JSON.stringify(tables.document.key.map((column) => row.key[column.field]));
}

export function documentKeyValues(tables: TopicTables, row: Row): Record<string, string | number | null> {
  return Object.fromEntries(tables.document.key.map((column) => [column.field, row.key[column.field]]));
}

/** Where every topic's rows are kept: the tables of the domain records migration. */
export const TOPIC_TABLES: Readonly<Record<Topic, TopicTables>> = {
  'purchase-orders': topicTables('purchase-orders', { document: 'purchase_orders', lines: 'purchase_order_lines' }),
  'stock-items': topicTables('stock-items', { document: 'stock_items' }),
  'sales-orders': topicTables('sales-orders', { document: 'sales_orders', lines: 'sales_order_lines' }),
  shipments: topicTables('shipments', { document: 'shipments', lines: 'shipment_lines' }),
  'assembly-orders': topicTables('assembly-orders', { document: 'assembly_orders', lines: 'assembly_order_components' }),
  'inventory-adjustments': topicTables('inventory-adjustments', { document: 'inventory_adjustments', lines: 'inventory_adjustment_lines' }),
};
