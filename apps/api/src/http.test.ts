import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { createWmsClient, TRPCClientError } from '@wmsi/client';
import { sampleBody } from '@wmsi/contracts/testing';
import { itemsTables } from '@wmsi/items';
import { issueToken, revokeToken } from '@wmsi/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';

/** The tRPC error code a failed call was answered with. */
async function codeOf(call: Promise<unknown>): Promise<string | undefined> {
  const outcome = await call.then(() => ({ ok: true as const }), (error: unknown) => ({ ok: false as const, error }));
  if (outcome.ok) return undefined;
  const error = outcome.error;
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : `not a tRPC error: ${String(error)}`;
}

describe('the client API over HTTP', () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items', tables: itemsTables });
    await bed.apply('stock-items', sampleBody('stock-item-status-change.json'));
    api = await startTestApi(bed, { rateLimitPerMinute: 30 });
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  const clientWith = async (role: 'handheld' | 'desktop' | 'admin') => {
    const { token, tokenId } = await issueToken(bed.db, role, `${role} test`);
    return { client: createWmsClient({ url: api.url, token }), tokenId };
  };

  it('answers a desktop token with the item as Acumatica last sent it', async () => {
    const { client } = await clientWith('desktop');
    const item = await client.items.get.query({ inventoryId: 'AACOMPUT01' });
    expect(item).toMatchObject({ inventoryId: 'AACOMPUT01', itemStatus: 'Inactive', sourceTimestamp: '636295833829493672', removedAt: null });
    // superjson: dates arrive as Dates.
    expect(item?.appliedAt).toBeInstanceOf(Date);
  });

  it('refuses a call without a token, and a revoked token, as UNAUTHORIZED (HTTP 401)', async () => {
    const anonymous = createWmsClient({ url: api.url, token: 'none' });
    expect(await codeOf(anonymous.items.get.query({ inventoryId: 'AACOMPUT01' }))).toBe('UNAUTHORIZED');
    const { client, tokenId } = await clientWith('handheld');
    await client.items.get.query({ inventoryId: 'AACOMPUT01' });
    await revokeToken(bed.db, tokenId);
    expect(await codeOf(client.items.get.query({ inventoryId: 'AACOMPUT01' }))).toBe('UNAUTHORIZED');
    const raw = await fetch(`${api.url}/trpc/items.get?input=${encodeURIComponent(JSON.stringify({ json: { inventoryId: 'X' } }))}`);
    expect(raw.status).toBe(401);
  });

  it('lets only admin tokens replay: a handheld token is FORBIDDEN', async () => {
    const { client } = await clientWith('handheld');
    expect(await codeOf(client.sync.replay.mutate({ quarantineId: '1' }))).toBe('FORBIDDEN');
    const { client: admin } = await clientWith('admin');
    expect(await codeOf(admin.sync.replay.mutate({ quarantineId: '999999' }))).toBe('NOT_FOUND');
  });

  it('answers inputs over their bounds with BAD_REQUEST and a message per field', async () => {
    const { client } = await clientWith('desktop');
    const error = await client.items.search.query({ query: 'x'.repeat(10_000), limit: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<never>).data as unknown as { code: string; fieldErrors: Record<string, string[]> };
    expect(data.code).toBe('BAD_REQUEST');
    expect(Object.keys(data.fieldErrors).sort()).toEqual(['limit', 'query']);
  });

  it('limits each token to its calls per minute (429), without slowing other tokens', async () => {
    const { client } = await clientWith('desktop');
    const codes = [];
    for (let i = 0; i < 32; i++) codes.push(await codeOf(client.items.get.query({ inventoryId: 'AACOMPUT01' })));
    expect(codes.filter((code) => code === undefined).length).toBeLessThanOrEqual(30);
    expect(codes).toContain('TOO_MANY_REQUESTS');
    const { client: other } = await clientWith('desktop');
    expect(await codeOf(other.items.get.query({ inventoryId: 'AACOMPUT01' }))).toBeUndefined();
  });

  it('reports /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ postgres: true, redis: true });
    expect(await (await fetch(`${api.url}/metrics`)).text()).toMatch(/wmsi_api_calls_total\{path="items.get",outcome="OK"\}/);
  });
});
