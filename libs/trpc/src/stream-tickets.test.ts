import { loadEnv } from '@wmsi/config';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { connectForRequests, waitUntilReady } from '@wmsi/queue';
import { deleteKeysWithPrefix, testPrefix } from '@wmsi/queue/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStreamTicket, issueToken, redeemStreamTicket, revokeToken } from './tokens.js';

describe('stream tickets (real PostgreSQL and Redis)', () => {
  let database: TestDatabase;
  let redis: Redis;
  const prefix = testPrefix();
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = connectForRequests(loadEnv().REDIS_URL, () => undefined);
    await waitUntilReady(redis);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    await database?.drop();
  });

  it('stands for its token once, for 30 seconds, and is kept only as a hash', async () => {
    const caller = await issueToken(database.db, 'handheld', 'Scanner 9');
    const { ticket, expiresInSeconds } = await issueStreamTicket(redis, prefix, caller);
    expect(expiresInSeconds).toBe(30);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(ticket.slice(3));
    expect(await redis.ttl(keys[0]!)).toBeLessThanOrEqual(30);

    expect(await redeemStreamTicket(database.db, redis, prefix, ticket)).toEqual({ tokenId: caller.tokenId, role: 'handheld', name: 'Scanner 9' });
    expect(await redeemStreamTicket(database.db, redis, prefix, ticket)).toBeNull();
  });

  it('is refused when malformed, unknown, or its token was revoked since', async () => {
    const caller = await issueToken(database.db, 'desktop', 'Desk');
    const { ticket } = await issueStreamTicket(redis, prefix, caller);
    await revokeToken(database.db, caller.tokenId);
    expect(await redeemStreamTicket(database.db, redis, prefix, ticket)).toBeNull();
    expect(await redeemStreamTicket(database.db, redis, prefix, 'st_short')).toBeNull();
    expect(await redeemStreamTicket(database.db, redis, prefix, `st_${'x'.repeat(43)}`)).toBeNull();
    // A token is not a ticket.
    const other = await issueToken(database.db, 'admin', 'Admin');
    expect(await redeemStreamTicket(database.db, redis, prefix, other.token)).toBeNull();
  });
});
