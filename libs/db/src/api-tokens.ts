import type { Kysely, Selectable } from 'kysely';
import type { ApiTokens, DB } from './generated/db.js';

/** A client token as stored: public id, role, name and the SHA-256 of its secret, never the secret. */
export type ApiToken = Selectable<ApiTokens>;

export async function insertApiToken(
  db: Kysely<DB>,
  token: { id: string; role: string; name: string; secretHash: string },
): Promise<ApiToken> {
  return db
    .insertInto('api_tokens')
    .values({ id: token.id, role: token.role, name: token.name, secret_hash: token.secretHash })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findApiToken(db: Kysely<DB>, id: string): Promise<ApiToken | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every token, revoked ones included, newest first. */
export async function listApiTokens(db: Kysely<DB>): Promise<ApiToken[]> {
  return db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** Revokes a token (the first revocation time stays); undefined when there is no such id. */
export async function revokeApiToken(db: Kysely<DB>, id: string): Promise<ApiToken | undefined> {
  return db
    .updateTable('api_tokens')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now')) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
