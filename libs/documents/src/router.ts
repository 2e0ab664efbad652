import { TOPICS } from '@wmsi/contracts';
import { bigintId, encodeCursor, keyPart, pageInput, readCursor, readProcedure, router, toDto } from '@wmsi/trpc';
import { z } from 'zod';
import { documentChanges, documentHistory } from './history.js';
import { searchDocuments, type SearchPosition } from './search.js';

const topic = z.enum(TOPICS);
/** A document's key as change events carry it: field name to trimmed value. */
const documentKey = z.record(z.string().min(1).max(50), z.union([z.string().trim().max(100), z.number()])).refine((key) => Object.keys(key).length > 0, 'a document key has at least one field');
const numericId = bigintId('not a cursor this list returned');

function searchAfter(cursor: string | undefined): SearchPosition | undefined {
  return readCursor(cursor, z.tuple([keyPart.text, keyPart.text, keyPart.text]), 'documents.search') as SearchPosition | undefined;
}

/** Every kind of document at once: find one by its number, and see what happened to it. */
export const documentsRouter = router({
  /**
   * Purchase orders, sales orders, shipments, assembly orders, items and adjustments whose number
   * starts with `query` (an item also by its barcode), in number order, a page at a time.
   */
  search: readProcedure.input(z.object({ query: z.string().trim().min(1).max(100), ...pageInput })).query(async ({ ctx, input }) => {
    const rows = await searchDocuments(ctx.db, { query: input.query, after: searchAfter(input.cursor), limit: input.limit + 1 });
    const items = rows.slice(0, input.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(({ position: _position, ...found }) => found),
      nextCursor: rows.length > input.limit ? encodeCursor(last.position) : null,
    };
  }),

  /**
   * Every ERP transaction that touched the document (TimeStamp, Id, what it changed) and what WMSi
   * decided about it: applied, duplicate, stale, parked, removal, quarantined. Newest first.
   */
  history: readProcedure
    .input(z.object({ topic, documentKey, cursor: numericId.optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => {
      const rows = await documentHistory(ctx.db, { topic: input.topic, documentKey: input.documentKey, beforeId: input.cursor, limit: input.limit + 1 });
      const items = rows.slice(0, input.limit).map(toDto);
      return { items, nextCursor: rows.length > input.limit ? items[items.length - 1].id : null };
    }),

  /** The applied changes of the document's header and lines (the change log), newest first. */
  changeLog: readProcedure
    .input(z.object({ topic, documentKey, cursor: numericId.optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => {
      const rows = await documentChanges(ctx.db, { topic: input.topic, documentKey: input.documentKey, beforeSeq: input.cursor, limit: input.limit + 1 });
      const items = rows.slice(0, input.limit).map(toDto);
      return { items, nextCursor: rows.length > input.limit ? items[items.length - 1].seq : null };
    }),
});
