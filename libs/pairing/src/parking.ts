import { createHash } from 'node:crypto';
import { domainOf, type Domain, type Row, type Topic } from '@wmsi/contracts';
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

/** One lone `Inserted` row looking for its parked `Deleted` half, on behalf of its notification. */
export interface Claim {
  topic: Topic;
  timeStamp: string;
  row: Row;
  /** The notification (Query, Id, rows digest), so a redelivery racing it claims the same partner. */
  claimant: string;
}

/** A parked row whose window ended, claimed for its removal. */
export interface EndedWindow {
  key: string;
  parked: ParkedRow;
}

const SETTLED_TTL_MS = 6 * 60 * 60 * 1000;
/** An unresolved row outlives its window by far: its deadline, not this TTL, resolves it. */
const UNRESOLVED_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The Redis key of one parked row. The two halves of one update come from one ERP transaction, so
 * they share the topic, the TimeStamp and the row key; an `Inserted` of another transaction is not
 * this row's partner (newest-wins orders the two instead). All parking keys share the `{pairing}`
 * hash tag, so one script over several of them is atomic on Redis Cluster too.
 */
export function parkedKey(prefix: string, topic: Topic, timeStamp: string, rowKey: string): string {
  const digest = createHash('sha1').update(rowKey).digest('hex');
  return `${prefix}:{pairing}:parked:${topic}:${timeStamp}:${digest}`;
}

/** The sorted set of a domain's parked rows by deadline (ms, Redis's clock): the durable timers. */
export function deadlinesKey(prefix: string, domain: Domain): string {
  return `${prefix}:{pairing}:deadlines:${domain}`;
}

// Every script keeps the decision (`resolution`) on the parked row itself, so it is made once and
// seen by every process. Deadlines are taken from Redis's own clock (TIME), so processes whose
// clocks disagree still agree on when a window ends.

const NOW_MS = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] deadlines, KEYS[2..] rows; ARGV[1] window, ARGV[2] ttl, ARGV[3..] rows. Returns how many were new. */
const PARK = `
${NOW_MS}
local parked = 0
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then
    redis.call('HSET', KEYS[i], 'parked', ARGV[i + 1], 'resolution', '')
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), KEYS[i])
    parked = parked + 1
  end
end
return parked`;

/**
 * Claims parked rows for the updates their `Inserted` halves make, ARGV[i] being the claimant of
 * KEYS[i]. A row already claimed by the same claimant is returned again, so a retried job makes
 * the same update; a row claimed by a removal or another claimant, or never parked, returns ''.
 */
const CLAIM_FOR_UPDATE = `
local claimed = {}
for i, key in ipairs(KEYS) do
  local parked, resolution, claimant = unpack(redis.call('HMGET', key, 'parked', 'resolution', 'claimant'))
  if not parked then
    claimed[i] = ''
  elseif resolution == '' then
    redis.call('HSET', key, 'resolution', 'update', 'claimant', ARGV[i])
    claimed[i] = parked
  elseif resolution == 'update' and claimant == ARGV[i] then
    claimed[i] = parked
  else
    claimed[i] = ''
  end
end
return claimed`;

/**
 * Takes up to ARGV[1] rows of the deadlines set KEYS[1] whose window ended (all of them when
 * ARGV[3] is 'all'), claims each for its removal unless an update claimed it, and leases it for
 * ARGV[2] ms: its deadline moves that far ahead, so if the taker dies before settling it, another
 * takes it again. Returns key, parked row pairs.
 */
const TAKE_ENDED = `
${NOW_MS}
local upTo = now
if ARGV[3] == 'all' then upTo = '+inf' end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', upTo, 'LIMIT', 0, tonumber(ARGV[1]))
local taken = {}
for _, key in ipairs(due) do
  local parked, resolution = unpack(redis.call('HMGET', key, 'parked', 'resolution'))
  if not parked or resolution == 'update' then
    redis.call('ZREM', KEYS[1], key)
  else
    if resolution == '' then redis.call('HSET', key, 'resolution', 'removal') end
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), key)
    table.insert(taken, key)
    table.insert(taken, parked)
  end
end
return taken`;

/** Claims one parked row for its removal, unless an update claimed it first; idempotent for retries. */
const CLAIM_FOR_REMOVAL = `
local parked, resolution = unpack(redis.call('HMGET', KEYS[1], 'parked', 'resolution'))
if not parked or resolution == 'update' then return '' end
if resolution == '' then redis.call('HSET', KEYS[1], 'resolution', 'removal') end
return parked`;

/** KEYS[1] deadlines, KEYS[2..] rows: resolved rows leave the deadlines and are kept a while longer. */
const SETTLE = `
for i = 2, #KEYS do
  if redis.call('HGET', KEYS[i], 'resolution') ~= '' then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
    redis.call('ZREM', KEYS[1], KEYS[i])
  end
end
return 0`;

export interface ParkingLot {
  keyOf(parked: Pick<ParkedRow, 'topic' | 'timeStamp' | 'row'>): string;
  /**
   * Parks lone `Deleted` rows of one domain, each until its window ends. Parking a row again (a
   * retried job) changes nothing and never restarts a resolved row. Returns how many were new.
   */
  park(rows: readonly ParkedRow[]): Promise<number>;
  /** Claims the parked partners of lone `Inserted` rows; returns the claimed rows by parked key. */
  claimForUpdate(claims: readonly Claim[]): Promise<Map<string, ParkedRow>>;
  /** Takes parked rows of a domain whose window ended (or every parked row, for tests), each claimed for its removal. */
  takeEnded(domain: Domain, options: { limit: number; leaseMs: number; everything?: boolean }): Promise<EndedWindow[]>;
  /** Claims one parked row for its removal; undefined when an update claimed it. */
  claimForRemoval(key: string): Promise<ParkedRow | undefined>;
  /** Called once the resolutions are committed: the rows leave the deadlines and may expire. */
  settle(domain: Domain, keys: readonly string[]): Promise<void>;
  /** Rows whose removal became a job of its own (a durable timer no more): they leave the deadlines, unresolved. */
  release(domain: Domain, keys: readonly string[]): Promise<void>;
  /** The parked rows of a domain still waiting for their window to end (or for a lease to run out). */
  waiting(domain: Domain): Promise<string[]>;
}

export function createParkingLot(redis: Redis, options: ParkingOptions): ParkingLot {
  const { prefix, windowMs } = options;
  const settledTtlMs = options.settledTtlMs ?? SETTLED_TTL_MS;
  const keyOf = (parked: Pick<ParkedRow, 'topic' | 'timeStamp' | 'row'>) =>
    parkedKey(prefix, parked.topic, parked.timeStamp, parked.row.rowKey);

  return {
    keyOf,
    async park(rows) {
      if (rows.length === 0) return 0;
      const domain = oneDomain(rows.map((row) => row.topic));
      const keys = rows.map(keyOf);
      return (await redis.eval(
        PARK,
        keys.length + 1,
        deadlinesKey(prefix, domain),
        ...keys,
        windowMs,
        UNRESOLVED_TTL_MS + windowMs,
        ...rows.map((row) => JSON.stringify(row)),
      )) as number;
    },
    async claimForUpdate(claims) {
      const claimed = new Map<string, ParkedRow>();
      if (claims.length === 0) return claimed;
      const keys = claims.map(keyOf);
      const found = (await redis.eval(CLAIM_FOR_UPDATE, keys.length, ...keys, ...claims.map((claim) => claim.claimant))) as string[];
      found.forEach((parked, i) => {
        if (parked !== '') claimed.set(keys[i] as string, JSON.parse(parked) as ParkedRow);
      });
      return claimed;
    },
    async takeEnded(domain, { limit, leaseMs, everything = false }) {
      const flat = (await redis.eval(TAKE_ENDED, 1, deadlinesKey(prefix, domain), limit, leaseMs, everything ? 'all' : 'due')) as string[];
      const taken: EndedWindow[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) taken.push({ key: flat[i] as string, parked: JSON.parse(flat[i + 1] as string) as ParkedRow });
      return taken;
    },
    async claimForRemoval(key) {
      const parked = (await redis.eval(CLAIM_FOR_REMOVAL, 1, key)) as string;
      return parked === '' ? undefined : (JSON.parse(parked) as ParkedRow);
    },
    async settle(domain, keys) {
      if (keys.length > 0) await redis.eval(SETTLE, keys.length + 1, deadlinesKey(prefix, domain), ...keys, settledTtlMs);
    },
    async release(domain, keys) {
      if (keys.length > 0) await redis.zrem(deadlinesKey(prefix, domain), ...keys);
    },
    waiting: (domain) => redis.zrange(deadlinesKey(prefix, domain), 0, -1),
  };
}

function oneDomain(topics: readonly Topic[]): Domain {
  const domains = new Set(topics.map(domainOf));
  if (domains.size !== 1) throw new Error(`Rows of one domain are parked together, got ${[...domains].join(', ')}`);
  return [...domains][0] as Domain;
}
