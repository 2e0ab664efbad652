import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeApiKeys, findApiKey, insertApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { DbError } from './errors.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test?.drop());

describe('api keys', () => {
  it('stores a key with its hash and label and lists every key newest first, revoked ones too', async () => {
    const first = await insertApiKey(test.db, { id: 'ak_list0001', topic: 'stock-items', secretHash: sha256('a') });
    const second = await insertApiKey(test.db, {
      id: 'ak_list0002',
      topic: 'purchase-orders',
      secretHash: sha256('b'),
      label: 'ERP production',
    });
    await revokeApiKey(test.db, first.id);

    expect(second).toMatchObject({ topic: 'purchase-orders', secret_hash: sha256('b'), label: 'ERP production', revoked_at: null });
    expect(second.created_at).toBeInstanceOf(Date);
    const listed = (await listApiKeys(test.db)).filter((key) => key.id.startsWith('ak_list'));
    expect(listed.map((key) => key.id)).toEqual(['ak_list0002', 'ak_list0001']);
    expect(listed[1].revoked_at).toBeInstanceOf(Date);
  });

  it('finds a key by id and returns undefined for an unknown one', async () => {
    await insertApiKey(test.db, { id: 'ak_find0001', topic: 'shipments', secretHash: sha256('c') });
    expect(await findApiKey(test.db, 'ak_find0001')).toMatchObject({ id: 'ak_find0001', topic: 'shipments', label: null });
    expect(await findApiKey(test.db, 'ak_nosuchkey')).toBeUndefined();
  });

  it('keeps the first revocation time when a key is revoked twice', async () => {
    await insertApiKey(test.db, { id: 'ak_revoke01', topic: 'sales-orders', secretHash: sha256('d') });
    const first = await revokeApiKey(test.db, 'ak_revoke01');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await revokeApiKey(test.db, 'ak_revoke01');
    expect(first?.revoked_at).toBeInstanceOf(Date);
    expect(second?.revoked_at).toEqual(first?.revoked_at);
  });

  it('returns undefined when revoking an id that does not exist', async () => {
    expect(await revokeApiKey(test.db, 'ak_nosuchkey')).toBeUndefined();
  });

  it('offers only unrevoked keys as active, several per topic during a rotation', async () => {
    const topic = 'assembly-orders';
    await insertApiKey(test.db, { id: 'ak_rotate01', topic, secretHash: sha256('old') });
    await insertApiKey(test.db, { id: 'ak_rotate02', topic, secretHash: sha256('new') });
    await insertApiKey(test.db, { id: 'ak_rotate03', topic, secretHash: sha256('gone') });
    await revokeApiKey(test.db, 'ak_rotate03');

    expect((await activeApiKeys(test.db, topic)).map((key) => key.id).sort()).toEqual(['ak_rotate01', 'ak_rotate02']);
    const everyTopic = await activeApiKeys(test.db);
    expect(everyTopic.every((key) => key.revoked_at === null)).toBe(true);
    expect(everyTopic.map((key) => key.id)).toContain('ak_find0001');
    expect(everyTopic.map((key) => key.id)).not.toContain('ak_rotate03');
  });

  it('refuses a topic the webhook does not serve', async () => {
    const insert = insertApiKey(test.db, { id: 'ak_badtopic', topic: 'invoices', secretHash: sha256('e') });
    await expect(insert).rejects.toBeInstanceOf(DbError);
    await expect(insert).rejects.toMatchObject({ code: 'DB_UNKNOWN_TOPIC' });
    expect(await findApiKey(test.db, 'ak_badtopic')).toBeUndefined();
  });

  it('refuses to store anything but a hex SHA-256, so a plain key cannot land in the table', async () => {
    const insert = insertApiKey(test.db, { id: 'ak_plainkey', topic: 'stock-items', secretHash: 'wmsi_live_secret' });
    await expect(insert).rejects.toMatchObject({ code: 'DB_INVALID_SECRET_HASH' });
  });

  it('refuses an id that is already taken', async () => {
    await insertApiKey(test.db, { id: 'ak_taken001', topic: 'stock-items', secretHash: sha256('f') });
    const again = insertApiKey(test.db, { id: 'ak_taken001', topic: 'stock-items', secretHash: sha256('g') });
    await expect(again).rejects.toMatchObject({ code: 'DB_API_KEY_ID_TAKEN' });
  });
});
