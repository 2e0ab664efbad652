import type { Database } from '@wmsi/db';
import type { ChangeEvent } from './change-event.js';
import type { ChangeTail } from './change-tail.js';
import { currentHead, cursorAfter, prunedThrough, readChanges, type ChangeFilter } from './log-reader.js';
import { comparePositions, decodePosition, type Position } from './positions.js';

/** The client's last event id is older than the log keeps (or is no id this feed gave): it must re-read its snapshot. */
export class ResyncRequired extends Error {
  readonly code = 'RESYNC_REQUIRED';
}

/** Its token was revoked while it followed: the stream ends. */
export class NoLongerAllowed extends Error {
  readonly code = 'NO_LONGER_ALLOWED';
}

export interface FollowDeps {
  db: Database;
  tail: ChangeTail;
  /** Whether the caller may still follow (its token not revoked); asked every `recheckMs`. */
  stillAllowed?: () => Promise<boolean>;
  /** How many changes one step yields at most (a frame of `sync.changeBatches`). */
  pageSize?: number;
  recheckMs?: number;
}

/** Where a follower starts: after its last event id, or at the head for a new follower. */
export async function startingPoint(deps: Pick<FollowDeps, 'db' | 'tail'>, lastEventId: string | undefined): Promise<Position> {
  if (lastEventId === undefined) return currentHead(deps.db);
  const position = decodePosition(lastEventId);
  if (position === undefined) throw new ResyncRequired(`"${lastEventId.slice(0, 60)}" is not an event id of this feed: re-read the snapshot, then follow without lastEventId`);
  if (comparePositions(position, await prunedThrough(deps.db)) < 0) {
    throw new ResyncRequired('The change log no longer holds the changes after this event id (they are older than CHANGE_LOG_RETENTION_DAYS): re-read the snapshot');
  }
  return position;
}

/**
 * Every change matching `filter` after `from`, in log order, page by page, for as long as the
 * caller reads: from the process's shared tail while it still holds them, else from the log. The
 * generator runs only as fast as its reader pulls (tRPC's SSE stream waits for the socket), so a
 * client that stops reading costs its cursor and nothing more.
 */
export async function* followChangePages(
  deps: FollowDeps,
  filter: ChangeFilter,
  from: Position,
  signal: AbortSignal | undefined,
): AsyncGenerator<ChangeEvent[]> {
  const pageSize = deps.pageSize ?? 500;
  const recheckMs = deps.recheckMs ?? 2_000;
  let cursor = from;
  let checkedAt = Date.now();
  while (signal?.aborted !== true) {
    const fromTail = deps.tail.after(cursor, filter, pageSize);
    let events: ChangeEvent[];
    if (fromTail !== undefined) {
      events = fromTail.events;
      cursor = fromTail.cursor;
    } else {
      // Behind what the tail keeps: catch up from the log, however far.
      const page = await readChanges(deps.db, { after: cursor, filter, limit: pageSize });
      events = page.events;
      cursor = cursorAfter(page, cursor, pageSize);
    }
    if (events.length > 0) yield events;
    if (deps.stillAllowed !== undefined && Date.now() - checkedAt >= recheckMs) {
      checkedAt = Date.now();
      if (!(await deps.stillAllowed())) throw new NoLongerAllowed('The token of this stream was revoked');
    }
    if (events.length === 0) await deps.tail.waitBeyond(cursor, recheckMs, signal);
  }
}

/** The same, one change at a time. */
export async function* followChanges(deps: FollowDeps, filter: ChangeFilter, from: Position, signal: AbortSignal | undefined): AsyncGenerator<ChangeEvent> {
  for await (const page of followChangePages(deps, filter, from, signal)) yield* page;
}
