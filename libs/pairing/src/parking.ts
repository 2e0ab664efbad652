import { createHash } from 'node:crypto';
import type { Row, Topic } from '@wmsi/contracts';
import { WINDOW_ENDED_JOB, windowTimerJobOptions, type DomainJobData } from '@wmsi/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** A lone `Deleted` row waiting for its `Inserted` half, with what is needed to apply it later. */
export interface ParkedRow {
  topic: Topic;
  query: string;
  notificationId: string;
  timeStamp: string;
  row: Row;
  /** The intake entry that carried it, and when the gateway accepted it (for lag). */
  intakeId: string;
  acceptedAt: string;
}

export interface ParkingOptions {
  /** Key prefix of the installation (REDIS_PREFIX). */
  prefix: string;
  /** PAIRING_WINDOW_MS: how long a lone `Deleted` waits for its `Inserted` half. */
  windowMs: number;
  /**
   * How long a parked row's record is kept after it is resolved. A retried job that parks the same
   * row again must find it resolved rather than park it anew, so this outlives any retry back-off.
   */
  settledTtlMs?: number;
}

const SETTLED_TTL_MS = 6 * 60 * 60 * 1000;
/** An unresolved row outlives its window by far: its timer, not this TTL, resolves it. */
const UNRESOLVED_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The Redis key of one parked row. The two halves of one update come from one ERP transaction, so
 * they share the topic, the TimeStamp and the row key; an `Inserted` of another transaction is not
 * this row's partner (newest-wins orders the two instead). All parked rows share the `{pairing}`
 * hash tag, so a claim over several of them is one atomic script on Redis Cluster too.
 */
export function parkedKey(prefix: string, topic: Topic, timeStamp: string, rowKey: string): string {
  const digest = createHash('sha1').update(rowKey).digest('hex');
  return `${prefix}:{pairing}:parked:${topic}:${timeStamp}:${digest}`;
}

// Every script keeps the decision (`resolution`) on the parked row itself, so it is made once and
// seen by every process: HSETNX-style checks inside one script are atomic in Redis.

/** Parks rows not parked before; returns per key 1 if it still waits for resolution, else 0. */
const PARK = `
local waiting = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'parked', ARGV[i + 1], 'resolution', '')
    redis.call('PEXPIRE', key, ARGV[1])
  end
  waiting[i] = (redis.call('HGET', key, 'resolution') == '') and 1 or 0
end
return waiting`;

/**
 * Claims parked rows for updates made by `claimant` (an intake entry id). A row already claimed by
 * the same claimant is returned again, so a retried job makes the same update; a row claimed by a
 * removal or another claimant, or never parked, returns ''.
 */
const CLAIM_FOR_UPDATE = `
local claimed = {}
for i, key in ipairs(KEYS) do
  local parked, resolution, claimant = unpack(redis.call('HMGET', key, 'parked', 'resolution', 'claimant'))
  if not parked then
    claimed[i] = ''
  elseif resolution == '' then
    redis.call('HSET', key, 'resolution', 'update', 'claimant', ARGV[1])
    claimed[i] = parked
  elseif resolution == 'update' and claimant == ARGV[1] then
    claimed[i] = parked
  else
    claimed[i] = ''
  end
end
return claimed`;

/** Claims a parked row for its removal, unless an update claimed it first; idempotent for retries. */
const CLAIM_FOR_REMOVAL = `
local parked, resolution = unpack(redis.call('HMGET', KEYS[1], 'parked', 'resolution'))
if not parked or resolution == 'update' then return '' end
if resolution == '' then redis.call('HSET', KEYS[1], 'resolution', 'removal') end
return parked`;

/** Resolved rows are kept a while longer (see settledTtlMs), then forgotten. */
const SETTLE = `
for i, key in ipairs(KEYS) do
  if redis.call('HGET', key, 'resolution') ~= '' then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0`;

export interface ParkingLot {
  /**
   * Parks lone `Deleted` rows and starts their durable timers (delayed jobs in `timers`). Parking a
   * row again (a retried job) changes nothing and never restarts a resolved row.
   */
  park(rows: readonly ParkedRow[], timers: Queue<DomainJobData>): Promise<void>;
  /** Claims the parked partners of lone `Inserted` rows; returns the claimed rows by row key. */
  claimForUpdate(topic: Topic, timeStamp: string, rows: readonly Row[], claimant: string): Promise<Map<string, ParkedRow>>;
  /** Claims a parked row whose window ended; undefined when an update claimed it. */
  claimForRemoval(key: string): Promise<ParkedRow | undefined>;
  /** Called once the resolution is committed: the row's record may now expire. */
  settle(keys: readonly string[]): Promise<void>;
  keyOf(parked: Pick<ParkedRow, 'topic' | 'timeStamp' | 'row'>): string;
}

export function createParkingLot(redis: Redis, options: ParkingOptions): ParkingLot {
  const { prefix, windowMs } = options;
  const settledTtlMs = options.settledTtlMs ?? SETTLED_TTL_MS;
  const keyOf = (parked: Pick<ParkedRow, 'topic' | 'timeStamp' | 'row'>) =>
    parkedKey(prefix, parked.topic, parked.timeStamp, parked.row.rowKey);

  return {
    keyOf,
    async park(rows, timers) {
      if (rows.length === 0) return;
      const keys = rows.map(keyOf);
      const waiting = (await redis.eval(
        PARK,
        keys.length,
        ...keys,
        UNRESOLVED_TTL_MS + windowMs,
        ...rows.map((row) => JSON.stringify(row)),
      )) as number[];
      const timersToStart = keys.filter((_, i) => waiting[i] === 1);
      if (timersToStart.length === 0) return;
      // A job id per parked row: a retried job re-adding the timer while it waits adds nothing.
      await timers.addBulk(
        timersToStart.map((parkedKey) => ({
          name: WINDOW_ENDED_JOB,
          data: { parkedKey },
          opts: {
            ...windowTimerJobOptions,
            jobId: `window-${createHash('sha1').update(parkedKey).digest('hex')}`,
            delay: windowMs,
          },
        })),
      );
    },
    async claimForUpdate(topic, timeStamp, rows, claimant) {
      const claimed = new Map<string, ParkedRow>();
      if (rows.length === 0) return claimed;
      const keys = rows.map((row) => keyOf({ topic, timeStamp, row }));
      const found = (await redis.eval(CLAIM_FOR_UPDATE, keys.length, ...keys, claimant)) as string[];
      found.forEach((parked, i) => {
        if (parked !== '') claimed.set(rows[i].rowKey, JSON.parse(parked) as ParkedRow);
      });
      return claimed;
    },
    async claimForRemoval(key) {
      const parked = (await redis.eval(CLAIM_FOR_REMOVAL, 1, key)) as string;
      return parked === '' ? undefined : (JSON.parse(parked) as ParkedRow);
    },
    async settle(keys) {
      if (keys.length > 0) await redis.eval(SETTLE, keys.length, ...keys, settledTtlMs);
    },
  };
}
