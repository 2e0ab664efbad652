import { randomUUID } from 'node:crypto';
import { countQuarantined, quarantinedIds, type QuarantineFilter } from '@wmsi/db';
import { replayActionKey } from '@wmsi/queue';
import { AppError, type ApiDeps } from '@wmsi/trpc';
import { replayQuarantined } from './replay.js';

type Deps = Pick<ApiDeps, 'db' | 'redis' | 'prefix' | 'intake' | 'checkNotification'>;

/** How long a finished action's figures stay readable. */
const KEEP_SECONDS = 24 * 60 * 60;
/** Ids read per round trip while walking the set. */
const BATCH = 100;
/** The first few refusals are kept verbatim, so a person sees why without reading every body. */
const KEPT_REFUSALS = 10;
/** A running action that moved on for this long was abandoned (its API process stopped). */
const ABANDONED_AFTER_MS = 60_000;

export interface ReplayActionProgress {
  id: string;
  status: 'running' | 'done' | 'failed';
  filter: QuarantineFilter;
  total: number;
  replayed: number;
  stillRefused: number;
  startedAt: Date;
  finishedAt: Date | null;
  /** The first refusals: which body and why the current mapping still refuses it. */
  refusals: Array<{ id: string; message: string }>;
  error: string | null;
}

/**
 * Replays every pending quarantined body the filter selects, as one action a person can follow:
 * the set is fixed when it starts (bodies quarantined later are not in it), its figures live in
 * Redis under the returned id, and the bodies are replayed one by one in the background, oldest
 * first, each exactly as `sync.replay` does it. A body the mapping still refuses is counted and
 * stays in quarantine.
 */
export async function startQuarantineReplay(deps: Deps, filter: QuarantineFilter): Promise<ReplayActionProgress> {
  const pending = { ...filter, pendingOnly: true };
  const { count, newestId } = await countQuarantined(deps.db, pending);
  const id = randomUUID();
  const key = replayActionKey(deps.prefix, id);
  const startedAt = new Date();
  await deps.redis
    .multi()
    .hset(key, { filter: JSON.stringify(filter), total: count, replayed: 0, stillRefused: 0, status: newestId === null ? 'done' : 'running', startedAt: startedAt.toISOString(), updatedAt: startedAt.toISOString(), refusals: '[]' })
    .expire(key, KEEP_SECONDS)
    .exec();
  if (newestId === null) await deps.redis.hset(key, 'finishedAt', new Date().toISOString());
  // Not awaited: the caller gets the id at once and follows the progress with `sync.replayAction`.
  else void walkAndReplay(deps, key, pending, newestId);
  return (await readReplayAction(deps, id))!;
}

async function walkAndReplay(deps: Deps, key: string, filter: QuarantineFilter, throughId: string): Promise<void> {
  const refusals: Array<{ id: string; message: string }> = [];
  try {
    let afterId: string | undefined;
    for (;;) {
      const ids = await quarantinedIds(deps.db, filter, { afterId, throughId, limit: BATCH });
      if (ids.length === 0) break;
      for (const quarantineId of ids) {
        try {
          await replayQuarantined(deps, quarantineId);
          await deps.redis.multi().hincrby(key, 'replayed', 1).hset(key, 'updatedAt', new Date().toISOString()).exec();
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          await deps.redis.multi().hincrby(key, 'stillRefused', 1).hset(key, 'updatedAt', new Date().toISOString()).exec();
          if (refusals.length < KEPT_REFUSALS) {
            refusals.push({ id: quarantineId, message: error.message });
            await deps.redis.hset(key, 'refusals', JSON.stringify(refusals));
          }
        }
      }
      afterId = ids[ids.length - 1];
    }
    await deps.redis.hset(key, { status: 'done', finishedAt: new Date().toISOString() });
  } catch (error) {
    // PostgreSQL or Redis went away mid-way: what was replayed stays replayed; the rest can be
    // replayed again by starting the same filter anew.
    await deps.redis
      .hset(key, { status: 'failed', finishedAt: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) })
      .catch(() => undefined);
  }
}

/** The figures of a replay action, or null when there is no such action (or it expired). */
export async function readReplayAction(deps: Pick<ApiDeps, 'redis' | 'prefix'>, id: string): Promise<ReplayActionProgress | null> {
  const fields = await deps.redis.hgetall(replayActionKey(deps.prefix, id));
  if (fields.status === undefined) return null;
  // The replay runs inside the API process that started it: if that process stopped, say so
  // rather than "running" for a day. Starting the same filter again replays what is left.
  const abandoned = fields.status === 'running' && Date.now() - Date.parse(fields.updatedAt ?? fields.startedAt) > ABANDONED_AFTER_MS;
  return {
    id,
    status: abandoned ? 'failed' : (fields.status as ReplayActionProgress['status']),
    filter: JSON.parse(fields.filter ?? '{}') as QuarantineFilter,
    total: Number(fields.total ?? 0),
    replayed: Number(fields.replayed ?? 0),
    stillRefused: Number(fields.stillRefused ?? 0),
    startedAt: new Date(fields.startedAt),
    finishedAt: fields.finishedAt ? new Date(fields.finishedAt) : null,
    refusals: JSON.parse(fields.refusals ?? '[]') as ReplayActionProgress['refusals'],
    error: abandoned ? 'the API process replaying it stopped; replay the same filter again for the rest' : (fields.error ?? null),
  };
}
