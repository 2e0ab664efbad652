import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageOf } from './pagination.js';
import { bearerToken, issueToken, revokeToken, verifyToken } from './tokens.js';

describe('client tokens (real PostgreSQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('issues a token that verifies as its caller, stores only a hash, and stops verifying once revoked', async () => {
    const issued = await issueToken(database.db, 'handheld', 'Scanner 7');
    expect(issued.token).toMatch(/^wt_[0-9a-f]{10}\.[A-Za-z0-9_-]{43}$/);
    expect(await verifyToken(database.db, issued.token)).toEqual({ tokenId: issued.tokenId, role: 'handheld', name: 'Scanner 7' });
    const stored = await database.db.selectFrom('api_tokens').selectAll().where('id', '=', issued.tokenId).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(issued.token.split('.')[1]);
    expect(await revokeToken(database.db, issued.tokenId)).toBe(true);
    expect(await verifyToken(database.db, issued.token)).toBeNull();
    expect(await revokeToken(database.db, 'wt_0000000000')).toBe(false);
  });

  it('refuses a wrong secret, a malformed token and an unknown id', async () => {
    const issued = await issueToken(database.db, 'admin', 'Ops');
    const [id, secret] = issued.token.split('.');
    const wrong = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await verifyToken(database.db, wrong)).toBeNull();
    expect(await verifyToken(database.db, 'not a token')).toBeNull();
    expect(await verifyToken(database.db, `wt_ffffffffff.${secret}`)).toBeNull();
  });

  it('reads the token of an Authorization header, and nothing else', () => {
    expect(bearerToken('Bearer wt_1.abc')).toBe('wt_1.abc');
    expect(bearerToken('bearer   wt_1.abc ')).toBe('wt_1.abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('cursor pages', () => {
  it('gives the next cursor only when there is a next page, and reads it back', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const first = pageOf(rows, 2, (row) => [row.id]);
    expect(first.items).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(decodeCursor(first.nextCursor!)).toEqual(['b']);
    expect(pageOf(rows.slice(2), 2, (row) => [row.id]).nextCursor).toBeNull();
    expect(decodeCursor(encodeCursor([1, 'x']))).toEqual([1, 'x']);
    expect(decodeCursor('%%%')).toBeUndefined();
  });
});
