import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { COLUMN_CONTRACTS } from './columns/index.js';
import { ContractError } from './errors.js';
import { TOPICS, type Topic } from './topics.js';

/**
 * Per topic, the captions a customer's inquiry uses for a canonical field, e.g.
 * `{ "stock-items": { "inventoryId": ["InventoryCD", "Item"] } }`. They are tried before the
 * default captions, so renaming a column in the ERP needs a config change, not a release.
 */
export type ColumnMapping = Partial<Record<Topic, Record<string, string | string[]>>>;

const caption = z.string().trim().min(1, 'a caption cannot be empty');
const captions = z.union([caption, z.array(caption).min(1, 'give at least one caption')]);

function topicMappingSchema(topic: Topic) {
  const fields = COLUMN_CONTRACTS[topic].columns.map((c) => c.field);
  return z
    .strictObject(Object.fromEntries(fields.map((field) => [field, captions.optional()])))
    .superRefine((fieldCaptions, ctx) => {
      const owner = new Map<string, string>();
      for (const [field, value] of Object.entries(fieldCaptions)) {
        for (const text of typeof value === 'string' ? [value] : (value ?? [])) {
          const other = owner.get(text);
          if (other !== undefined && other !== field) {
            ctx.addIssue({ code: 'custom', path: [field], message: `caption "${text}" is already mapped to ${other}` });
          }
          owner.set(text, field);
        }
      }
    });
}

export const columnMappingSchema: z.ZodType<ColumnMapping> = z.strictObject(
  Object.fromEntries(TOPICS.map((topic) => [topic, topicMappingSchema(topic).optional()])),
);

/** Validates a mapping already read; `source` names where it came from in the error. */
export function parseColumnMapping(value: unknown, source = 'column mapping'): ColumnMapping {
  const parsed = columnMappingSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.flatMap((issue) => describeIssue(issue));
  throw new ContractError('COLUMN_MAPPING_INVALID', `${source} is invalid:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

/**
 * Reads the JSON file named by COLUMN_MAPPING_FILE. No file means the default captions only.
 * Throws a ContractError that names the file and every bad entry, for the start-up log.
 */
export function loadColumnMapping(filePath?: string): ColumnMapping {
  if (filePath === undefined) return {};
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ContractError('COLUMN_MAPPING_UNREADABLE', `Column mapping file ${filePath} cannot be read: ${reason}`, {
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ContractError('COLUMN_MAPPING_INVALID', `Column mapping file ${filePath} is not valid JSON: ${reason}`, {
      cause,
    });
  }
  return parseColumnMapping(json, `Column mapping file ${filePath}`);
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map(String);
  const where = path.map((part) => JSON.stringify(part)).join('.');
  if (issue.code === 'unrecognized_keys') {
    if (path.length === 0) {
      return issue.keys.map((key) => `"${key}" is not a topic (topics: ${TOPICS.join(', ')})`);
    }
    const topic = path[0] as Topic;
    const fields = COLUMN_CONTRACTS[topic].columns.map((c) => c.field).join(', ');
    return issue.keys.map((key) => `${where}."${key}" is not a field of ${topic} (fields: ${fields})`);
  }
  if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
    if (path.length === 0) return ['must be a JSON object of topic: { field: caption(s) }'];
    if (path.length === 1) return [`${where} must be an object of field: caption(s)`];
    return [`${where} must be a non-empty caption or a list of them, e.g. "InventoryCD" or ["InventoryCD", "Item"]`];
  }
  return [`${where}: ${issue.message}`];
}
