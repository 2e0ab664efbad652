import { z } from 'zod';

/** PostgreSQL's `bigint` (int8) and `integer` (int4) upper bounds: an id or key past them is no row's. */
export const INT8_MAX = 9_223_372_036_854_775_807n;
export const INT4_MAX = 2_147_483_647;

/** Deeper than this, no input of the API is: its deepest is a filter in an object (3 levels). */
export const MAX_INPUT_DEPTH = 16;

/**
 * A `bigint` id as clients send it (a string: JSON numbers lose digits past 2^53): digits only,
 * within int8, so PostgreSQL is never asked to compare `99999999999999999999`.
 */
export const bigintId = (message = 'expected a numeric id') =>
  z
    .string()
    .trim()
    .regex(/^\d{1,19}$/, message)
    .refine((digits) => BigInt(digits) <= INT8_MAX, 'past the largest id there is');

/** What in an input would reach PostgreSQL as an error, not as a value: where it is and why. */
export interface InputProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * The first part of a raw input no procedure takes, before zod reads it: nesting deeper than
 * MAX_INPUT_DEPTH (a stack to unwind for nothing), or a string with U+0000, which a PostgreSQL
 * `text` value cannot hold. Walked with a stack of its own, so no depth overflows this one.
 */
export function inputProblem(input: unknown): InputProblem | undefined {
  const pending: Array<{ value: unknown; path: Array<string | number> }> = [{ value: input, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { path, message: 'contains U+0000 (NUL), which no field takes' };
    } else if (typeof value === 'object' && value !== null) {
      if (path.length >= MAX_INPUT_DEPTH) return { path, message: `nested deeper than ${MAX_INPUT_DEPTH} levels` };
      const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
      for (const [key, item] of entries) {
        if (typeof key === 'string' && key.includes('\u0000')) return { path: [...path, key], message: 'a field name contains U+0000 (NUL)' };
        pending.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}
