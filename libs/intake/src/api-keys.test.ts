import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookAuthenticator, issueApiKey, revokeApiKey, type WebhookAuthenticator } from './api-keys.js';
import { createIntakeTestbed, type IntakeTestbed } from './testing/index.js';

describe('webhook API keys', () => {
  let bed: IntakeTestbed;
  let authenticate: WebhookAuthenticator;
  beforeAll(async () => {
    bed = await createIntakeTestbed();
    authenticate = createWebhookAuthenticator(bed.stores);
  });
  afterAll(async () => bed?.cleanup());

  it('accepts a key on its own topic and refuses it on every other topic', async () => {
    const { key } = await issueApiKey(bed.stores, 'purchase-orders');
    expect(await authenticate('purchase-orders', key)).toBe('accepted');
    expect(await authenticate('stock-items', key)).toBe('other-topic');
    expect(await authenticate('shipments', key)).toBe('other-topic');
  });

  it('stores only a hash of the secret', async () => {
    const { id, key } = await issueApiKey(bed.stores, 'stock-items');
    const row = await bed.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const secret = key.split('.')[1] as string;
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await bed.redis.hget(bed.keys.apiKeys, id)).not.toContain(secret);
  });

  it('refuses a revoked key on the very next request, while a second key for the topic keeps working', async () => {
    const old = await issueApiKey(bed.stores, 'sales-orders');
    const rotated = await issueApiKey(bed.stores, 'sales-orders');
    expect(await authenticate('sales-orders', old.key)).toBe('accepted');
    expect(await authenticate('sales-orders', rotated.key)).toBe('accepted');

    expect(await revokeApiKey(bed.stores, old.id)).toBe(true);
    expect(await authenticate('sales-orders', old.key)).toBe('unknown');
    expect(await authenticate('sales-orders', rotated.key)).toBe('accepted');
    expect(await revokeApiKey(bed.stores, 'ak_nosuchkey')).toBe(false);
  });

  it('refuses missing, malformed and guessed keys', async () => {
    const { id } = await issueApiKey(bed.stores, 'shipments');
    expect(await authenticate('shipments', undefined)).toBe('missing');
    expect(await authenticate('shipments', 'no-dot-here')).toBe('malformed');
    expect(await authenticate('shipments', `${id}.guessed-secret`)).toBe('wrong-secret');
  });

  it('rebuilds the Redis mirror from PostgreSQL when Redis has lost it', async () => {
    const kept = await issueApiKey(bed.stores, 'assembly-orders');
    const revoked = await issueApiKey(bed.stores, 'assembly-orders');
    await revokeApiKey(bed.stores, revoked.id);
    // What a Redis restart without persistence leaves behind: no mirror, no marker.
    await bed.redis.del(bed.keys.apiKeys, bed.keys.apiKeysLoaded);

    expect(await authenticate('assembly-orders', kept.key)).toBe('accepted');
    expect(await authenticate('assembly-orders', revoked.key)).toBe('unknown');
    expect(await bed.redis.exists(bed.keys.apiKeysLoaded)).toBe(1);
  });
});
