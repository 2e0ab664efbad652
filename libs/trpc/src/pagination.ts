import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { INT4_MAX } from './inputs.js';

/** Bounded pages: a scanner never asks for the whole table. */
export const pageInput = {
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(200).default(50),
};

/** Parts of a cursor's key, as strict as the columns they are compared with. */
export const keyPart = {
  /** A text column's value: bounded, and without U+0000 (PostgreSQL text cannot hold it). */
  text: z.string().max(200).refine((text) => !text.includes('\u0000')),
  /** An `integer` column's value. */
  int4: z.number().int().min(-INT4_MAX - 1).max(INT4_MAX),
};

/** An opaque cursor: the sort key of the last item of a page. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): unknown[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key)) return key;
  } catch {
    // fall through
  }
  return undefined;
}

/**
 * The key a page cursor stands for, checked part by part against `key` (a z.tuple of keyPart's),
 * or a BAD_REQUEST naming `cursor`: a made-up cursor never reaches PostgreSQL (1e300 is no line
 * number an `integer` column can be compared with).
 */
export function readCursor<Key extends z.ZodType>(cursor: string | undefined, key: Key, list: string): z.output<Key> | undefined {
  if (cursor === undefined) return undefined;
  const parsed = key.safeParse(decodeCursor(cursor));
  if (parsed.success) return parsed.data;
  const message = `not a cursor ${list} returned`;
  throw new TRPCError({ code: 'BAD_REQUEST', message, cause: new z.ZodRealError([{ code: 'custom', path: ['cursor'], message, input: cursor }]) });
}

/** The page and the cursor of the next one (null on the last page), from `limit + 1` rows. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => readonly unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
