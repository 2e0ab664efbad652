import { describeValue, KIND_EXPECTATIONS, KIND_READERS, WRONG_KIND } from './column-kinds.js';
import { defineMember, hasUnstorableCharacters, MAX_KEY_LENGTH, storableJson, storableText } from './storable.js';
import type { ColumnContract, TopicContract } from './columns/index.js';

/** One row of an inquiry's result set, read through its topic's column contract. */
export interface Row {
  /** The key columns under their canonical names; ids trimmed, LineNbr a number or null. */
  key: Record<string, string | number | null>;
  /** Canonical fields that were sent (key fields included); a column not sent is absent, null stays null. */
  values: Record<string, unknown>;
  /** Every column the contract does not know, under its trimmed caption, value as sent. */
  extra: Record<string, unknown>;
  /** The key values as one stable string (JSON array in key order): pairs Deleted with Inserted. */
  rowKey: string;
}

export interface RowIssue {
  /** Where, in the words of the body: `Inserted[3].OrderNbr`. */
  path: string;
  message: string;
}

/** Reads one raw row; `path` names it in issues (`Inserted[3]`). */
export type RowReader = (raw: unknown, path: string) => Row | RowIssue[];

/**
 * What a checking reader returns for a valid row: the gateway only needs to know the row passes,
 * and building key, values and extra for every row of every request is most of a reader's cost.
 */
export const VALID_ROW: Row = Object.freeze({ key: {}, values: {}, extra: {}, rowKey: '[]' }) as Row;

interface CaptionMatch {
  column: number;
  /** 0 for the first customer alias; lower ranks win when a row sends several aliases of one field. */
  rank: number;
}

/**
 * How rows with one particular list of column names are read. The rows of one inquiry all have
 * the same names in the same order, so this is worked out once and reused for every row.
 */
interface RowShape {
  names: readonly string[];
  /** Per position in `names`: the column it feeds, or EXTRA. */
  columnAt: Int32Array;
  /** Per position in `names`: the name it is kept under in `extra` (when EXTRA). */
  extraNameAt: string[];
  /** Columns that were sent, in contract order, with the caption that carried them. */
  sentColumns: number[];
  captionOf: string[];
  /** Key columns this shape lacks: every row of it is invalid. */
  missingKeys: number[];
}

const EXTRA = -1;
/** A handful of shapes covers a notification (Inserted and Deleted may differ in padded names). */
const SHAPES_KEPT = 8;

/**
 * Compiles, once per topic and mapping, a reader of rows. Each trimmed caption is looked up in a
 * Map to its column; customer aliases are tried before the defaults, and a caption that is also a
 * default of another field belongs to the customer's field.
 */
export function compileRowReader(
  contract: TopicContract,
  customCaptions: Readonly<Record<string, string | readonly string[]>> = {},
  { checkOnly = false }: { checkOnly?: boolean } = {},
): RowReader {
  const { columns } = contract;
  const custom = columns.map((column) => toList(customCaptions[column.field]));
  const byCaption = new Map<string, CaptionMatch>();
  // Customer captions first, for every field, so they take their captions from any default.
  custom.forEach((list, column) => list.forEach((caption, rank) => claim(byCaption, caption, { column, rank })));
  columns.forEach((column, index) =>
    column.captions.forEach((caption, rank) => claim(byCaption, caption, { column: index, rank: custom[index].length + rank })),
  );
  const expectedCaptions = columns.map((_, column) =>
    [...byCaption].filter(([, match]) => match.column === column).map(([caption]) => caption),
  );

  // Imported bindings copied to locals: the hot loop below must not pay for a live-binding lookup.
  const wrongKind: unknown = WRONG_KIND;
  const readers = columns.map((column) => KIND_READERS[column.kind]);
  const fields = columns.map((column) => column.field);
  const isKey = columns.map((column) => column.key);
  const nullable = columns.map((column) => column.nullable);

  const shapes: RowShape[] = [];
  const shapeOf = (names: readonly string[]): RowShape => {
    for (const shape of shapes) if (sameNames(shape.names, names)) return shape;
    const shape = planShape(names, columns, byCaption);
    if (shapes.unshift(shape) > SHAPES_KEPT) shapes.pop();
    return shape;
  };
  // Per-row scratch, reused: a reader runs synchronously, start to end, for one row at a time.
  const sentValue = new Array<unknown>(columns.length);
  const lastGiven = new Array<unknown>(columns.length).fill(undefined);
  const lastValue = new Array<unknown>(columns.length).fill(undefined);

  /** A column's value as stored, or why PostgreSQL could not store it (ARCHITECTURE rule 10). */
  const readColumn = (column: number, given: unknown): unknown => {
    const value = readers[column](given);
    if (value === wrongKind) return new ValueIssue(`expected ${KIND_EXPECTATIONS[columns[column].kind]}, got ${describeValue(given)}`);
    if (typeof value !== 'string') return value;
    if (!isKey[column]) return storableText(value);
    if (value.length > MAX_KEY_LENGTH) return new ValueIssue(`a key value is at most ${MAX_KEY_LENGTH} characters, got ${value.length}`);
    if (hasUnstorableCharacters(value)) return new ValueIssue('a key value cannot hold NUL or an unpaired surrogate (PostgreSQL cannot store them)');
    return value;
  };

  return function readRow(raw, path) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return [{ path, message: `a row must be an object of caption: value, got ${describeValue(raw)}` }];
    }
    const names = Object.keys(raw);
    const sent = Object.values(raw);
    const shape = shapeOf(names);
    const { columnAt, extraNameAt, sentColumns, captionOf } = shape;

    const extra: Record<string, unknown> = checkOnly ? VALID_ROW.extra : {};
    for (let i = 0; i < sent.length; i++) {
      const column = columnAt[i];
      if (column !== EXTRA) sentValue[column] = sent[i];
      else if (!checkOnly) keepExtra(extra, extraNameAt[i], sent[i]);
    }

    let issues: RowIssue[] | undefined;
    for (const column of shape.missingKeys) {
      (issues ??= []).push(missingKey(path, columns[column], expectedCaptions[column]));
    }
    const key: Record<string, string | number | null> = {};
    const values: Record<string, unknown> = {};
    const keyParts: Array<string | number | null> = [];
    for (const column of sentColumns) {
      const given = sentValue[column];
      // Line-level inquiries repeat the header's values on every line: read each distinct value once.
      let value = lastValue[column];
      if (given !== lastGiven[column]) {
        value = given === null ? null : readColumn(column, given);
        lastGiven[column] = given;
        lastValue[column] = value;
      }
      if (value instanceof ValueIssue) {
        (issues ??= []).push({ path: `${path}.${captionOf[column]}`, message: value.message });
        continue;
      }
      if (isKey[column]) {
        if (value === '' || (value === null && !nullable[column])) {
          (issues ??= []).push({ path: `${path}.${captionOf[column]}`, message: 'key column is empty' });
          continue;
        }
        if (checkOnly) continue;
        key[fields[column]] = value as string | number | null;
        keyParts.push(value as string | number | null);
      }
      if (!checkOnly) values[fields[column]] = value;
    }

    if (issues !== undefined) return issues;
    return checkOnly ? VALID_ROW : { key, values, extra, rowKey: JSON.stringify(keyParts) };
  };
}

function claim(byCaption: Map<string, CaptionMatch>, caption: string, match: CaptionMatch): void {
  if (!byCaption.has(caption)) byCaption.set(caption, match);
}

/** Which column each name feeds: names are trimmed; of several aliases sent for a field, the best wins. */
function planShape(
  names: readonly string[],
  columns: readonly ColumnContract[],
  byCaption: ReadonlyMap<string, CaptionMatch>,
): RowShape {
  const columnAt = new Int32Array(names.length).fill(EXTRA);
  const winner = new Array<number>(columns.length).fill(-1);
  const trimmed = names.map((name) => name.trim());
  trimmed.forEach((caption, at) => {
    const match = byCaption.get(names[at]) ?? byCaption.get(caption);
    if (match === undefined) return;
    const current = winner[match.column];
    if (current !== -1 && rankOf(byCaption, names, trimmed, current) <= match.rank) return;
    if (current !== -1) columnAt[current] = EXTRA; // the less preferred alias is kept as an unknown column
    winner[match.column] = at;
    columnAt[at] = match.column;
  });

  const extraNameAt = new Array<string>(names.length).fill('');
  const taken = new Set<string>();
  names.forEach((name, at) => {
    if (columnAt[at] !== EXTRA) return;
    // Unknown columns keep their trimmed caption; on a clash (two spellings of one caption), the raw one.
    extraNameAt[at] = storableText(taken.has(trimmed[at]) ? name : trimmed[at]);
    taken.add(extraNameAt[at]);
  });

  const sentColumns = columns.map((_, column) => column).filter((column) => winner[column] !== -1);
  return {
    names: [...names],
    columnAt,
    extraNameAt,
    sentColumns,
    captionOf: winner.map((at) => (at === -1 ? '' : trimmed[at])),
    missingKeys: columns.map((_, column) => column).filter((column) => columns[column].key && winner[column] === -1),
  };
}

function rankOf(byCaption: ReadonlyMap<string, CaptionMatch>, names: readonly string[], trimmed: readonly string[], at: number): number {
  return (byCaption.get(names[at]) ?? byCaption.get(trimmed[at]))?.rank ?? Number.MAX_SAFE_INTEGER;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function toList(captions: string | readonly string[] | undefined): string[] {
  if (captions === undefined) return [];
  return (typeof captions === 'string' ? [captions] : [...captions]).map((caption) => caption.trim());
}

function missingKey(path: string, column: ColumnContract, captions: readonly string[]): RowIssue {
  const accepted = captions.length > 0 ? captions.map((caption) => `"${caption}"`).join(' or ') : 'a column for it';
  return {
    path: `${path}.${captions[0] ?? column.field}`,
    message:
      `key column missing: the inquiry must send ${accepted}; ` +
      `if it uses another caption, map ${column.field} to it in the WMSi column mapping`,
  };
}

/** An unknown column, kept as sent, but for the characters PostgreSQL cannot store (see storable.ts). */
function keepExtra(extra: Record<string, unknown>, name: string, value: unknown): void {
  defineMember(extra, name, storableJson(value));
}

/** Why a value cannot be stored; cached per column like a value, so it is a class of its own. */
class ValueIssue {
  constructor(readonly message: string) {}
}
