import { toChangeEvent, type ChangeEvent } from '@wmsi/changes';
import type { Topic } from '@wmsi/contracts';
import type { Database } from '@wmsi/db';
import type { ChangeSource } from '@wmsi/trpc';

export interface ChangeFilter {
  topics?: readonly Topic[];
  warehouse?: string;
}

/** Changes a reconnecting client missed, replayed from the log before it goes live (bounded). */
const MAX_BACKLOG = 1_000;

export function matches(filter: ChangeFilter, event: ChangeEvent): boolean {
  if (filter.topics !== undefined && filter.topics.length > 0 && !filter.topics.includes(event.topic)) return false;
  return filter.warehouse === undefined || event.warehouse === filter.warehouse;
}

/**
 * Every change matching `filter` as it is committed, starting after `lastEventId` when a client
 * resumes (the missed ones come from the change log first). Live events are listened for before
 * the log is read, so nothing committed in between is lost; what the log already gave is not
 * repeated. Workers commit in parallel, so live events are delivered as published, not by seq.
 */
export async function* followChanges(
  db: Database,
  source: ChangeSource,
  filter: ChangeFilter,
  lastEventId: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<ChangeEvent> {
  const pending: ChangeEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = source.subscribe((events) => {
    for (const event of events) if (matches(filter, event)) pending.push(event);
    wake?.();
  });
  // One listener for the stream's life (not one per wait, which would pile up).
  const onAbort = () => wake?.();
  const aborted = () => signal?.aborted === true;
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const fromLog = new Set<string>();
    if (lastEventId !== undefined) {
      let query = db.selectFrom('change_log').selectAll().where('seq', '>', lastEventId).orderBy('seq').limit(MAX_BACKLOG);
      if (filter.topics !== undefined && filter.topics.length > 0) query = query.where('topic', 'in', [...filter.topics]);
      if (filter.warehouse !== undefined) query = query.where('warehouse', '=', filter.warehouse);
      for (const row of await query.execute()) {
        const event = toChangeEvent(row);
        fromLog.add(event.seq);
        yield event;
      }
    }
    while (!aborted()) {
      while (pending.length > 0) {
        const event = pending.shift()!;
        if (!fromLog.has(event.seq)) yield event;
      }
      // Aborted while an event was being yielded: its wake-up already went by.
      if (aborted()) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
