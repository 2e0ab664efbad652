import type { Kysely, Selectable } from 'kysely';
import { DbError, pgErrorDetails } from './errors.js';
import type { ApiKeys, DB } from './generated/db.js';

/** A webhook key as stored: the public id, its topic and the SHA-256 of the secret, never the secret. */
export type ApiKey = Selectable<ApiKeys>;

export interface NewApiKey {
  /** Short public id chosen by the caller, e.g. "ak_7f3k9q2m". */
  id: string;
  topic: string;
  /** Lower-case hex SHA-256 of the secret. */
  secretHash: string;
  label?: string | null;
}

/**
 * Stores a new key. Refuses, with a DbError, a topic the webhook does not serve (DB_UNKNOWN_TOPIC),
 * an id already in use (DB_API_KEY_ID_TAKEN, so the caller can draw another) and anything but a
 * hex SHA-256 as the hash (DB_INVALID_SECRET_HASH).
 */
export async function insertApiKey(db: Kysely<DB>, key: NewApiKey): Promise<ApiKey> {
  try {
    return await db
      .insertInto('api_keys')
      .values({ id: key.id, topic: key.topic, secret_hash: key.secretHash, label: key.label ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    throw describeRefusal(error, key) ?? error;
  }
}

/** Every key, revoked ones included, newest first. */
export async function listApiKeys(db: Kysely<DB>): Promise<ApiKey[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function findApiKey(db: Kysely<DB>, id: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Revokes a key and returns it, or undefined when there is no such id. Revoking again keeps the
 * first revocation time: that is when the key stopped working.
 */
export async function revokeApiKey(db: Kysely<DB>, id: string): Promise<ApiKey | undefined> {
  return db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now')) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Keys that still open the door, for every topic or for one; several per topic during a rotation. */
export async function activeApiKeys(db: Kysely<DB>, topic?: string): Promise<ApiKey[]> {
  let query = db.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null);
  if (topic !== undefined) query = query.where('topic', '=', topic);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

function describeRefusal(error: unknown, key: NewApiKey): DbError | undefined {
  const pgError = pgErrorDetails(error);
  if (pgError?.constraint === 'api_keys_topic_check') {
    return new DbError('DB_UNKNOWN_TOPIC', `Unknown topic "${key.topic}" for an API key`, { cause: error });
  }
  if (pgError?.constraint === 'api_keys_secret_hash_check') {
    return new DbError('DB_INVALID_SECRET_HASH', 'An API key is stored as the hex SHA-256 of its secret', {
      cause: error,
    });
  }
  if (pgError?.constraint === 'api_keys_pkey') {
    return new DbError('DB_API_KEY_ID_TAKEN', `An API key with id "${key.id}" already exists`, { cause: error });
  }
  return undefined;
}
