import type { Topic } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import { sql } from 'kysely';

export type DocumentKey = Record<string, string | number>;

/** jsonb equality: the same keys and values, whatever their order in the request. */
const sameDocument = (documentKey: DocumentKey) => sql<boolean>`document_key = ${JSON.stringify(documentKey)}::jsonb`;

/**
 * What WMSi decided about every ERP transaction that touched a document, newest first: one entry
 * per notification delivery (TimeStamp, Id, outcome, and what it did to each row). `beforeId` is
 * the id of the last entry of the previous page.
 */
export async function documentHistory(db: Database, options: { topic: Topic; documentKey: DocumentKey; beforeId?: string; limit: number }) {
  let query = db
    .selectFrom('document_history')
    .select(['id', 'query', 'notification_id', 'source_timestamp', 'intake_id', 'outcome', 'changes', 'decided_at'])
    .where('topic', '=', options.topic)
    .where(sameDocument(options.documentKey));
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  return query.orderBy('id', 'desc').limit(options.limit).execute();
}

/**
 * The applied changes of a document (its header and its lines), newest first, from the change
 * log: each with the row, the kind, and the values before and after. `beforeSeq` pages.
 */
export async function documentChanges(db: Database, options: { topic: Topic; documentKey: DocumentKey; beforeSeq?: string; limit: number }) {
  let query = db
    .selectFrom('change_log')
    .select(['seq', 'kind', 'row_key', 'source_timestamp', 'query', 'notification_id', 'before', 'after', 'applied_at'])
    .where('topic', '=', options.topic)
    .where(sameDocument(options.documentKey));
  if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
  return query.orderBy('seq', 'desc').limit(options.limit).execute();
}
