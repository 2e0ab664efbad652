import { z } from 'zod';

/** Bounded pages: a scanner never asks for the whole table. */
export const pageInput = {
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(200).default(50),
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

/** The page and the cursor of the next one (null on the last page), from `limit + 1` rows. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => readonly unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
