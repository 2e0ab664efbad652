import { z } from 'zod';
import { describeValue } from './column-kinds.js';
import { hasUnstorableCharacters, MAX_ID_LENGTH, MAX_QUERY_LENGTH } from './storable.js';
import { readTimeStamp } from './timestamp.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Query and Id identify a notification in PostgreSQL's indexes: bounded, and storable as they are. */
function requiredText(name: string, meaning: string, maxLength: number) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${name} is missing (${meaning})` : `${name} must be text (${meaning})`,
    })
    .trim()
    .min(1, `${name} is empty (${meaning})`)
    .max(maxLength, `${name} is longer than ${maxLength} characters (${meaning})`)
    .refine((text) => !hasUnstorableCharacters(text), `${name} holds NUL or an unpaired surrogate, which PostgreSQL cannot store`);
}

const timeStamp = z.unknown().transform((value, ctx) => {
  const ticks = readTimeStamp(value);
  if (ticks !== undefined) return ticks;
  ctx.addIssue({
    code: 'custom',
    message:
      value === undefined
        ? 'TimeStamp is missing (the 64-bit .NET ticks of the ERP transaction)'
        : `TimeStamp must be a whole number of .NET ticks between 0 and 2^63-1, got ${describeValue(value)}`,
  });
  return z.NEVER;
});

function rows(name: 'Inserted' | 'Deleted') {
  return z
    .custom<unknown[]>(Array.isArray, { error: (issue) => `${name} must be a list of rows, got ${describeValue(issue.input)}` })
    .nullish()
    .transform((list) => list ?? []);
}

/**
 * One push notification as Acumatica sends it (docs/acumatica/FORMAT.md), after its top-level names are trimmed.
 * Rows are only checked to be lists here: reading them needs the topic's column contract. Unknown
 * top-level elements (newer versions add e.g. `QueryId`) are tolerated and dropped.
 */
export const envelopeSchema = z.object({
  Query: requiredText('Query', 'the title of the generic inquiry', MAX_QUERY_LENGTH),
  Id: requiredText('Id', 'the GUID of the ERP transaction', MAX_ID_LENGTH),
  TimeStamp: timeStamp,
  CompanyId: z
    .string({ error: (issue) => `CompanyId must be the tenant name as text, got ${describeValue(issue.input)}` })
    .trim()
    .nullish()
    .transform((companyId) => companyId || null),
  Inserted: rows('Inserted'),
  Deleted: rows('Deleted'),
  AdditionalInfo: z
    .custom<Record<string, unknown>>(isRecord, {
      error: (issue) => `AdditionalInfo must be an object, got ${describeValue(issue.input)}`,
    })
    .nullish()
    .transform((info) => info ?? {}),
});

export type Envelope = z.output<typeof envelopeSchema>;
