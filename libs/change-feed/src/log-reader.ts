import type { Topic } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import { sql } from 'kysely';
import { loggedChangeColumns, toChangeEvent, type ChangeEvent, type LoggedChange } from './change-event.js';
import { comparePositions, decodePosition, START, type Position } from './positions.js';

/** Which changes a client follows. An empty filter follows everything. */
export interface ChangeFilter {
  topics?: readonly Topic[];
  /** A warehouse: its changes, and those that moved a record out of it. */
  warehouse?: string;
  /** A document: the changes whose document key holds these fields (e.g. { orderNbr: 'PO000123' }). */
  document?: Readonly<Record<string, string | number>>;
}

export function matches(filter: ChangeFilter, event: ChangeEvent): boolean {
  if (filter.topics !== undefined && filter.topics.length > 0 && !filter.topics.includes(event.topic)) return false;
  if (filter.warehouse !== undefined && event.warehouse !== filter.warehouse && event.previousWarehouse !== filter.warehouse) return false;
  if (filter.document !== undefined) {
    for (const [field, value] of Object.entries(filter.document)) if (event.documentKey[field] !== value) return false;
  }
  return true;
}

export function positionOf(event: Pick<ChangeEvent, 'id'>): Position {
  const position = decodePosition(event.id);
  if (position === undefined) throw new Error(`not an event id: ${event.id}`);
  return position;
}

/**
 * The final changes after `after`, in log order, at most `limit`: only rows below the oldest
 * transaction of this database still running (change_log_horizon(), see the migration), so nothing
 * can appear before them later. `head` is the newest final position at the time of reading: a read that
 * returned fewer than `limit` has seen every matching change up to it.
 *
 * The horizon is read as a scalar subquery (`(select xmin from h)`), never joined: as a join it is
 * no index condition, and the `hidden` check then scanned the whole log on every read (5 ms at
 * 50,000 rows, growing with retention). `hidden` compares the newest committed xid with it, one
 * step of the position index backwards.
 */
export async function readChanges(db: Database, read: ChangesRead): Promise<{ events: ChangeEvent[]; head: Position; hidden: boolean }> {
  const result = await changesStatement(read).execute(db);
  const rows = result.rows;
  const first = rows[0];
  const head = first?.head_xid != null && first.head_seq != null ? { xid: first.head_xid, seq: first.head_seq } : START;
  const events = rows.filter((row) => row.seq != null).map(toChangeEvent);
  return { events, head: laterOf(head, read.after), hidden: first?.hidden ?? false };
}

export interface ChangesRead {
  after: Position;
  filter?: ChangeFilter;
  limit: number;
}

/** readChanges' one statement (exported for the test that checks its plan). */
export function changesStatement({ after, filter = {}, limit }: ChangesRead) {
  const conditions = [sql`(c.xid, c.seq) > (${after.xid}::xid8, ${after.seq}::bigint)`, sql`c.xid < (select xmin from h)`];
  if (filter.topics !== undefined && filter.topics.length > 0) conditions.push(sql`c.topic = any(${[...filter.topics]}::text[])`);
  if (filter.warehouse !== undefined) conditions.push(sql`(c.warehouse = ${filter.warehouse} or c.previous_warehouse = ${filter.warehouse})`);
  if (filter.document !== undefined) conditions.push(sql`c.document_key @> ${JSON.stringify(filter.document)}::jsonb`);
  return sql<LoggedChange & { head_xid: string | null; head_seq: string | null; hidden: boolean }>`
    with h as (select change_log_horizon() as xmin),
    head as (
      select c.xid::text as head_xid, c.seq::text as head_seq from change_log c
      where c.xid < (select xmin from h) order by c.xid desc, c.seq desc limit 1),
    page as (
      select ${sql.raw(loggedChangeColumns('c'))}
      from change_log c where ${sql.join(conditions, sql` and `)}
      order by c.xid, c.seq limit ${limit})
    select page.*, head.head_xid, head.head_seq,
      coalesce((select c.xid from change_log c order by c.xid desc limit 1) >= (select xmin from h), false) as hidden
    from (select 1) as one left join page on true left join head on true
    order by page.xid::xid8, page.seq::bigint`;
}

/** Where a reader stands after a page: past its last event, and up to the head when the page was not full. */
export function cursorAfter(page: { events: readonly ChangeEvent[]; head: Position }, previous: Position, limit: number): Position {
  const last = page.events.at(-1);
  const lastPosition = last === undefined ? previous : positionOf(last);
  return page.events.length >= limit ? lastPosition : laterOf(page.head, lastPosition);
}

export function laterOf(a: Position, b: Position): Position {
  return comparePositions(a, b) >= 0 ? a : b;
}

/** The newest final position of the log now: a new follower starts after it. */
export async function currentHead(db: Database): Promise<Position> {
  const result = await sql<{ xid: string; seq: string }>`
    select c.xid::text as xid, c.seq::text as seq from change_log c
    where c.xid < change_log_horizon() order by c.xid desc, c.seq desc limit 1`.execute(db);
  return result.rows[0] ?? START;
}

/** The position before which the log has been pruned (START when nothing was). */
export async function prunedThrough(db: Database): Promise<Position> {
  const row = await sql<{ xid: string; seq: string }>`select pruned_through_xid::text as xid, pruned_through_seq::text as seq from change_log_horizon`.execute(db);
  return row.rows[0] ?? START;
}
