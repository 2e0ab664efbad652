import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Topic } from '@wmsi/contracts';
import { activeApiKeys, insertApiKey, listApiKeys, revokeApiKey as markRevoked, type Database } from '@wmsi/db';
import type { IntakeKeys } from '@wmsi/queue';
import type { Redis } from 'ioredis';

/**
 * API keys for the webhook endpoints. PostgreSQL holds the record (hashed, never the key itself);
 * Redis holds a mirror of the active ones that every webhook request reads, so creating or revoking
 * a key takes effect on every gateway process at once, without a cache to expire.
 *
 * A key reads `<id>.<secret>`: the id is public (it names the key in `keys list` and `keys revoke`),
 * the secret is 32 random bytes, and only its SHA-256 is stored and compared, in constant time.
 */
export interface KeyStores {
  db: Database;
  redis: Redis;
  keys: IntakeKeys;
}

export interface IssuedApiKey {
  id: string;
  topic: Topic;
  key: string;
  label: string | null;
}

export async function issueApiKey(stores: KeyStores, topic: Topic, label: string | null = null): Promise<IssuedApiKey> {
  const id = `ak_${randomBytes(5).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const secretHash = sha256Hex(secret);
  // The mirror is written inside the transaction: if Redis refuses, the key is not created at all.
  await stores.db.transaction().execute(async (trx) => {
    await insertApiKey(trx, { id, topic, secretHash, label });
    await stores.redis.hset(stores.keys.apiKeys, id, mirrorEntry(topic, secretHash));
  });
  return { id, topic, key: `${id}.${secret}`, label };
}

/**
 * Revokes a key everywhere at once. Returns false when there is no key with that id. Besides
 * leaving the mirror, the id goes into the revoked set, which a reload of the mirror consults: a
 * reload that read PostgreSQL before this revocation committed cannot bring the key back.
 */
export async function revokeApiKey(stores: KeyStores, id: string): Promise<boolean> {
  return stores.db.transaction().execute(async (trx) => {
    const row = await markRevoked(trx, id);
    if (!row) return false;
    // Both in one MULTI, before the commit: no reload runs between them, and if Redis refuses,
    // the key is not revoked at all (and stays accepted, as PostgreSQL says).
    await stores.redis.multi().sadd(revokedSet(stores.keys), id).hdel(stores.keys.apiKeys, id).exec();
    return true;
  });
}

export { listApiKeys };

/**
 * Rebuilds the Redis mirror from PostgreSQL. Needed when Redis lost its data (a restart without
 * persistence): the marker key is gone then, and the authenticator calls this before answering.
 *
 * What it read can be stale by the time it writes: a key revoked, or issued, in between. So the
 * write is one script that skips every id in the revoked set (a revocation writes it before its
 * commit, so any revocation the read missed is there) and adds to the mirror rather than replacing
 * it (a key issued meanwhile, missing from the read, stays). Returns the keys written.
 */
export async function loadApiKeyMirror(stores: KeyStores): Promise<number> {
  const active = await activeApiKeys(stores.db);
  const entries = active.flatMap((key) => [key.id, mirrorEntry(key.topic as Topic, key.secret_hash)]);
  const keys = [stores.keys.apiKeys, revokedSet(stores.keys), stores.keys.apiKeysLoaded];
  return (await stores.redis.eval(RELOAD_MIRROR, keys.length, ...keys, new Date().toISOString(), ...entries)) as number;
}

/** KEYS: mirror, revoked set, loaded marker. ARGV: the time, then id and entry pairs. */
const RELOAD_MIRROR = `
local written = 0
for i = 2, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    written = written + 1
  end
end
redis.call('SET', KEYS[3], ARGV[1])
return written
`;

/** Ids of revoked keys (ids are random and never reused, so the set only grows by revocations). */
function revokedSet(keys: IntakeKeys): string {
  return `${keys.apiKeys}:revoked`;
}

export type KeyCheck = 'accepted' | 'missing' | 'malformed' | 'unknown' | 'other-topic' | 'wrong-secret';

/** Checks a presented key against the mirror. Only 'accepted' lets a request through. */
export type WebhookAuthenticator = (topic: Topic, presented: string | undefined) => Promise<KeyCheck>;

export function createWebhookAuthenticator(stores: KeyStores): WebhookAuthenticator {
  const { redis, keys } = stores;
  let reloading: Promise<number> | undefined;
  const reloadOnce = () => {
    reloading ??= loadApiKeyMirror(stores).finally(() => (reloading = undefined));
    return reloading;
  };

  // One auto-pipelined HGET per request. Only a miss asks whether the mirror is there at all, and
  // rebuilds it when Redis has lost it.
  const lookup = async (id: string): Promise<string | null> => {
    const entry = await redis.hget(keys.apiKeys, id);
    if (entry !== null || (await redis.exists(keys.apiKeysLoaded)) === 1) return entry;
    await reloadOnce();
    return redis.hget(keys.apiKeys, id);
  };

  return async (topic, presented) => {
    if (!presented) return 'missing';
    const dot = presented.indexOf('.');
    if (dot < 1 || dot === presented.length - 1) return 'malformed';
    const entry = await lookup(presented.slice(0, dot));
    if (!entry) return 'unknown';
    const [keyTopic, storedHash = ''] = entry.split(' ');
    const presentedHash = createHash('sha256').update(presented.slice(dot + 1)).digest();
    const stored = Buffer.from(storedHash, 'hex');
    if (stored.length !== presentedHash.length || !timingSafeEqual(stored, presentedHash)) return 'wrong-secret';
    return keyTopic === topic ? 'accepted' : 'other-topic';
  };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function mirrorEntry(topic: Topic, secretHash: string): string {
  return `${topic} ${secretHash}`;
}
