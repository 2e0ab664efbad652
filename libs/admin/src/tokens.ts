import { listApiTokens, type Database } from '@wmsi/db';
import { AppError, issueToken, revokeToken, type Role } from '@wmsi/trpc';

/** Every client token, revoked ones included, newest first; never a secret. */
export async function listTokens(db: Database) {
  const tokens = await listApiTokens(db);
  return tokens.map((token) => ({ id: token.id, role: token.role as Role, name: token.name, createdAt: token.created_at, revokedAt: token.revoked_at }));
}

/** A new client token: shown this once, stored hashed. */
export async function createToken(db: Database, role: Role, name: string) {
  const issued = await issueToken(db, role, name);
  return { id: issued.tokenId, role: issued.role, name: issued.name, token: issued.token };
}

/** Revokes a token: calls with it are refused from the next one on. */
export async function revokeTokenById(db: Database, id: string) {
  if (!(await revokeToken(db, id))) throw new AppError('NOT_FOUND', `No token with id ${id}`);
  return { id, revoked: true as const };
}
