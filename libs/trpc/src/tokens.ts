import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { findApiToken, insertApiToken, revokeApiToken, type Database } from '@wmsi/db';
import type { Redis } from 'ioredis';

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

/** How long a stream ticket may wait to be presented. */
export const STREAM_TICKET_TTL_SECONDS = 30;
const TICKET = /^st_[A-Za-z0-9_-]{43}$/;
const ticketKey = (prefix: string, ticket: string) => `${prefix}:{stream-tickets}:${sha256(ticket).toString('hex')}`;

/**
 * A ticket for opening one change stream: browsers' EventSource cannot send an Authorization
 * header, and tRPC sends a stream's connection parameters in its URL, which proxies log. So a
 * stream presents this instead of the token: random, good once (redeemed with GETDEL), for
 * STREAM_TICKET_TTL_SECONDS, and kept in Redis only as its SHA-256, naming the token it stands for.
 */
export async function issueStreamTicket(redis: Redis, prefix: string, caller: Caller): Promise<{ ticket: string; expiresInSeconds: number }> {
  const ticket = `st_${randomBytes(32).toString('base64url')}`;
  await redis.set(ticketKey(prefix, ticket), caller.tokenId, 'EX', STREAM_TICKET_TTL_SECONDS);
  return { ticket, expiresInSeconds: STREAM_TICKET_TTL_SECONDS };
}

/**
 * The caller a ticket was issued to, once: null when it is malformed, unknown, expired, used
 * before, or its token was revoked since.
 */
export async function redeemStreamTicket(db: Database, redis: Redis, prefix: string, ticket: string): Promise<Caller | null> {
  if (!TICKET.test(ticket)) return null;
  const tokenId = await redis.getdel(ticketKey(prefix, ticket));
  if (tokenId === null) return null;
  const stored = await findApiToken(db, tokenId);
  if (stored === undefined || stored.revoked_at !== null) return null;
  return { tokenId: stored.id, role: stored.role as Role, name: stored.name };
}
