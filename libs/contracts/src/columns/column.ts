import type { Topic } from '../topics.js';

/**
 * How a column's value is read:
 * - `id`: an ERP identifier (selector display value), trimmed; numbers become their decimal string.
 * - `label`: a drop-down label ("Open", "On Hold"), trimmed.
 * - `text`: free text, kept exactly as sent.
 * - `quantity`: a number (decimals allowed, sign kept).
 * - `integer`: a whole number (line numbers).
 * - `boolean`: a JSON boolean.
 * - `date`: ISO-8601, with or without offset, kept as the (trimmed) string: Acumatica sends local
 *   times without an offset, and guessing a zone here would invent information.
 */
export const COLUMN_KINDS = ['id', 'label', 'text', 'quantity', 'integer', 'boolean', 'date'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

/**
 * Where the domain tables keep a field: on the document (`header`), on its line (`line`), or on
 * both (`both`: LastModifiedDateTime of a line-level inquiry dates the row, which is the line).
 */
export type ColumnLevel = 'header' | 'line' | 'both';

export interface ColumnContract {
  /** Canonical camelCase name used everywhere inside WMSi. */
  readonly field: string;
  readonly kind: ColumnKind;
  /** Part of the row key: required in every row. */
  readonly key: boolean;
  /** A key column that may be null: LineNbr of a header-only row of a left-joined document. */
  readonly nullable: boolean;
  readonly level: ColumnLevel;
  /** JSON keys (inquiry captions) accepted by default, most likely first. */
  readonly captions: readonly string[];
}

export interface TopicContract {
  readonly topic: Topic;
  readonly columns: readonly ColumnContract[];
  /** Canonical names of the key columns, in row-key order. */
  readonly keyFields: readonly string[];
  /** The key without LineNbr: identifies the document a line belongs to. */
  readonly documentKeyFields: readonly string[];
}

interface ColumnOptions {
  key?: boolean;
  nullable?: boolean;
  /** Fallback JSON keys, e.g. `InventoryItem_lastModifiedDateTime` for a column without a caption. */
  fallbacks?: readonly string[];
}

export function column(
  field: string,
  kind: ColumnKind,
  level: ColumnLevel,
  caption: string,
  options: ColumnOptions = {},
): ColumnContract {
  return {
    field,
    kind,
    key: options.key ?? false,
    nullable: options.nullable ?? !options.key,
    level,
    captions: [caption, ...(options.fallbacks ?? [])],
  };
}

/**
 * LineNbr of a line-level inquiry: a key, but null on the one row a left-joined document without
 * lines sends. `dac` is the line table, whose `<DAC>_lineNbr` Acumatica uses when the caption is empty.
 */
export function lineNbr(dac: string): ColumnContract {
  return column('lineNbr', 'integer', 'line', 'LineNbr', { key: true, nullable: true, fallbacks: [`${dac}_lineNbr`] });
}

/** LastModifiedDateTime, with the `<DAC>_lastModifiedDateTime` names it falls back to without a caption. */
export function lastModified(level: ColumnLevel, ...dacs: string[]): ColumnContract {
  return column('lastModifiedDateTime', 'date', level, 'LastModifiedDateTime', {
    fallbacks: dacs.map((dac) => `${dac}_lastModifiedDateTime`),
  });
}

export function topicContract(topic: Topic, columns: readonly ColumnContract[]): TopicContract {
  const keyFields = columns.filter((c) => c.key).map((c) => c.field);
  return {
    topic,
    columns,
    keyFields,
    documentKeyFields: keyFields.filter((field) => field !== 'lineNbr'),
  };
}
