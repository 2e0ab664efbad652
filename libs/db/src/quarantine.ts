import { createHash } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import { deleteOlderThan } from './batch-delete.js';
import type { DB, Quarantine } from './generated/db.js';

/** Known reasons; later kinds of bad input add their own without a migration. */
export type QuarantineReason = 'unparseable-json' | 'invalid-envelope' | 'invalid-rows' | (string & {});

/** A quarantined body in full, raw bytes included (their digest, for dedupe only, left out). */
export type QuarantinedBody = Omit<Selectable<Quarantine>, 'body_sha256'>;

/** A quarantined body as listed: everything but the bytes (and their digest), plus how many bytes there are. */
export type QuarantinedSummary = Omit<QuarantinedBody, 'raw_body' | 'body_sha256'> & { body_bytes: number };

export interface NewQuarantinedBody {
  topic: string;
  reason: QuarantineReason;
  message: string;
  /** What was wrong, e.g. zod issues; stored as JSON. */
  issues: readonly unknown[];
  /** The request body exactly as received. */
  rawBody: Buffer;
  contentType?: string | null;
  notificationId?: string | null;
  query?: string | null;
}

const MAX_PAGE = 500;

/** Every column but the bytes and their digest. */
const describedColumns = [
  'id',
  'topic',
  'reason',
  'message',
  'issues',
  'content_type',
  'notification_id',
  'query',
  'received_at',
  'replayed_at',
  'times_seen',
  'last_seen_at',
] as const;

/** Listing never ships the bytes: a page of 16 MiB bodies would be far too heavy. */
const summaryColumns = [...describedColumns, sql<number>`octet_length(raw_body)`.as('body_bytes')] as const;

/**
 * Text PostgreSQL can store: text and jsonb refuse NUL and unpaired surrogates (half an emoji, as
 * an error message that quotes a body can cut one), so those become U+FFFD. Only the description
 * columns go through this; the body itself is kept byte for byte in `raw_body`.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').replace(UNPAIRED_SURROGATE, '\uFFFD');
}

const storableOrNull = (text: string | null | undefined) => (text == null ? null : storable(text));

/**
 * Keeps a refused body for a later look or replay. A body already kept under the same topic (the
 * same bytes: Acumatica resends a failed notification up to 5 times) is not stored again: its row
 * counts one more sighting, takes the latest reason, and is pending again if it had been replayed,
 * since this copy was not. Returns the row's id, the same for every copy.
 */
export async function quarantineBody(db: Kysely<DB>, body: NewQuarantinedBody): Promise<{ id: string }> {
  const description = {
    reason: storable(body.reason),
    message: storable(body.message),
    // Serialised here: pg would send a JS array as a PostgreSQL array, not as JSON.
    issues: JSON.stringify(body.issues, (_, value: unknown) => (typeof value === 'string' ? storable(value) : value)),
  };
  return db
    .insertInto('quarantine')
    .values({
      topic: storable(body.topic),
      ...description,
      raw_body: body.rawBody,
      body_sha256: createHash('sha256').update(body.rawBody).digest(),
      content_type: storableOrNull(body.contentType),
      notification_id: storableOrNull(body.notificationId),
      query: storableOrNull(body.query),
    })
    .onConflict((conflict) =>
      conflict.columns(['topic', 'body_sha256']).doUpdateSet((eb) => ({
        ...description,
        times_seen: eb('quarantine.times_seen', '+', 1),
        last_seen_at: sql<Date>`now()`,
        replayed_at: null,
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
}

/**
 * Deletes the bodies last seen more than `retentionDays` ago, oldest first, a batch per statement so
 * no lock is held for long. Returns how many rows were deleted.
 */
export async function pruneQuarantine(db: Kysely<DB>, { retentionDays, batchSize = 1_000 }: { retentionDays: number; batchSize?: number }): Promise<number> {
  return deleteOlderThan(db, { table: 'quarantine', key: ['id'], agesBy: 'last_seen_at' }, { retentionDays, batchSize });
}

/** Which quarantined bodies a listing or a replay of a set is about. */
export interface QuarantineFilter {
  topic?: string;
  reason?: string;
  /** The notification's `Id`, exactly as sent (a person pastes it from SM502000). */
  notificationId?: string;
  /** Leaves out what was already replayed. */
  pendingOnly?: boolean;
}

function filtered<Q extends { where: (...args: any[]) => Q }>(query: Q, filter: QuarantineFilter): Q {
  let q = query;
  if (filter.topic !== undefined) q = q.where('topic', '=', filter.topic);
  if (filter.reason !== undefined) q = q.where('reason', '=', filter.reason);
  if (filter.notificationId !== undefined) q = q.where('notification_id', '=', filter.notificationId);
  if (filter.pendingOnly) q = q.where('replayed_at', 'is', null);
  return q;
}

/**
 * One page of quarantined bodies, newest first, without the bytes. Pass the last id of a page as
 * `beforeId` for the next one. `limit` is clamped to 1..500.
 */
export async function listQuarantined(
  db: Kysely<DB>,
  options: QuarantineFilter & { limit?: number; beforeId?: string } = {},
): Promise<QuarantinedSummary[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), MAX_PAGE);
  let query = filtered(db.selectFrom('quarantine').select(summaryColumns), options);
  if (options.beforeId !== undefined) {
    // Keyset paging on the listing order itself, so rows quarantined meanwhile neither repeat nor vanish.
    query = query.where(
      sql<boolean>`(quarantine.received_at, quarantine.id) < (select cursor.received_at, cursor.id from quarantine as cursor where cursor.id = ${options.beforeId})`,
    );
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * The ids of the bodies a filter selects, oldest first, after `afterId` and up to `throughId`, a
 * batch at a time: a replay of a set walks them in the order Acumatica first sent them.
 */
export async function quarantinedIds(
  db: Kysely<DB>,
  filter: QuarantineFilter,
  range: { afterId?: string; throughId: string; limit: number },
): Promise<string[]> {
  let query = filtered(db.selectFrom('quarantine').select('id'), filter).where('id', '<=', range.throughId);
  if (range.afterId !== undefined) query = query.where('id', '>', range.afterId);
  const rows = await query.orderBy('id').limit(range.limit).execute();
  return rows.map((row) => row.id);
}

/** How many bodies a filter selects, and the newest id among them (null when none). */
export async function countQuarantined(db: Kysely<DB>, filter: QuarantineFilter): Promise<{ count: number; newestId: string | null }> {
  const row = await filtered(db.selectFrom('quarantine'), filter)
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.max('id').as('newest_id')])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), newestId: row.newest_id === null ? null : String(row.newest_id) };
}

/** A quarantined body with its exact bytes, for display or replay; undefined when there is no such id. */
export async function getQuarantined(db: Kysely<DB>, id: string): Promise<QuarantinedBody | undefined> {
  return db
    .selectFrom('quarantine')
    .select([...describedColumns, 'raw_body'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Records that a quarantined body was replayed; the first replay time is kept. Returns the row
 * (without the bytes) or undefined when there is no such id.
 */
export async function markReplayed(db: Kysely<DB>, id: string): Promise<QuarantinedSummary | undefined> {
  return db
    .updateTable('quarantine')
    .set((eb) => ({ replayed_at: eb.fn.coalesce('replayed_at', eb.fn<Date>('now')) }))
    .where('id', '=', id)
    .returning(summaryColumns)
    .executeTakeFirst();
}
