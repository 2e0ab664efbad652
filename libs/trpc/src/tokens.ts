import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { findApiToken, insertApiToken, revokeApiToken, type Database } from '@wmsi/db';

export const ROLES = ['handheld', 'desktop', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, once the bearer token checked out. */
export interface Caller {
  tokenId: string;
  role: Role;
  name: string;
}

const TOKEN = /^(wt_[0-9a-f]{10})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A new client token, `wt_<id>.<secret>`: printed once, stored as the SHA-256 of its secret. */
export async function issueToken(db: Database, role: Role, name: string): Promise<Caller & { token: string }> {
  const tokenId = `wt_${randomBytes(5).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  await insertApiToken(db, { id: tokenId, role, name, secretHash: sha256(secret).toString('hex') });
  return { tokenId, role, name, token: `${tokenId}.${secret}` };
}

export async function revokeToken(db: Database, tokenId: string): Promise<boolean> {
  return (await revokeApiToken(db, tokenId)) !== undefined;
}

/** The caller a bearer token stands for, or null when it is malformed, unknown or revoked. */
export async function verifyToken(db: Database, token: string): Promise<Caller | null> {
  const match = TOKEN.exec(token.trim());
  if (match === null) return null;
  const stored = await findApiToken(db, match[1]);
  if (stored === undefined || stored.revoked_at !== null) return null;
  if (!timingSafeEqual(sha256(match[2]), Buffer.from(stored.secret_hash, 'hex'))) return null;
  return { tokenId: stored.id, role: stored.role as Role, name: stored.name };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
