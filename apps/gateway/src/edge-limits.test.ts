import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stockItemBody } from '@wmsi/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

const KiB = 1024;

/** A stock-item notification padded with trailing whitespace (still valid JSON) to exactly `bytes`. */
const bodyOf = (inventoryId: string, bytes: number) => {
  const body = stockItemBody({ inventoryId });
  return Buffer.from(body + ' '.repeat(bytes - Buffer.byteLength(body)));
};

/** A post whose body is sent in two halves: the second only when `finish()` is called. */
function heldPost(url: string, key: string, body: Buffer) {
  let answered!: (reply: { status: number; retryAfter?: string }) => void;
  const reply = new Promise<{ status: number; retryAfter?: string }>((resolve) => (answered = resolve));
  const req = request(`${url}/webhooks/acumatica/stock-items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'x-api-key': key },
  });
  req.on('response', (response) => {
    response.resume();
    answered({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] as string | undefined });
  });
  req.on('error', () => undefined);
  req.write(body.subarray(0, body.length / 2));
  return { reply, finish: () => req.end(body.subarray(body.length / 2)), abandon: () => req.destroy() };
}

describe('the body bytes a gateway reads at once are bounded', () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await startTestGateway({ bodyLimit: 64 * KiB, bytesInFlight: 128 * KiB });
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => gateway?.close());

  it('answers 503 + Retry-After past the bound, before reading the body, and loses nothing: the resend is accepted', async () => {
    const key = gateway.apiKeys['stock-items'];
    // Two bodies of 64 KiB half-sent: the process holds its 128 KiB.
    const first = heldPost(url, key, bodyOf('INFLIGHT-1', 64 * KiB));
    const second = heldPost(url, key, bodyOf('INFLIGHT-2', 64 * KiB));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const third = heldPost(url, key, bodyOf('INFLIGHT-3', 64 * KiB));
    expect(await third.reply).toEqual({ status: 503, retryAfter: '5' });

    first.finish();
    second.finish();
    expect((await first.reply).status).toBe(202);
    expect((await second.reply).status).toBe(202);

    // Acumatica resends after Retry-After; the bytes are free again.
    const resent = heldPost(url, key, bodyOf('INFLIGHT-3', 64 * KiB));
    resent.finish();
    expect((await resent.reply).status).toBe(202);
    const stored = (await gateway.storedEntries()).map((entry) => /"InventoryID":\s*"([^"]+)"/.exec(entry.body)?.[1]);
    expect(stored.sort()).toEqual(['INFLIGHT-1', 'INFLIGHT-2', 'INFLIGHT-3']);
  });

  it('gives back the bytes of a client that went away mid-body', async () => {
    const key = gateway.apiKeys['stock-items'];
    const gone = [heldPost(url, key, bodyOf('GONE-1', 64 * KiB)), heldPost(url, key, bodyOf('GONE-2', 64 * KiB))];
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const post of gone) post.abandon();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const next = [heldPost(url, key, bodyOf('AFTER-1', 64 * KiB)), heldPost(url, key, bodyOf('AFTER-2', 64 * KiB))];
    for (const post of next) post.finish();
    expect(await Promise.all(next.map(async (post) => (await post.reply).status))).toEqual([202, 202]);
  });
});

describe('failed key lookups per client address are limited', () => {
  let gateway: TestGateway;
  let lookups = 0;
  beforeAll(async () => {
    gateway = await startTestGateway({ authFailuresPerMinute: 3, onKeyLookup: () => (lookups += 1) });
  });
  afterAll(async () => gateway?.close());

  const post = (key: string, remoteAddress = '127.0.0.1') =>
    gateway.app.inject({
      method: 'POST',
      url: '/webhooks/acumatica/stock-items',
      remoteAddress,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      payload: stockItemBody(),
    });

  it('counts only failures: a caller with a good key is never limited', async () => {
    for (let i = 0; i < 10; i++) expect((await post(gateway.apiKeys['stock-items'], '10.0.0.1')).statusCode).toBe(202);
    expect((await post('ak_0000000000.forged', '10.0.0.1')).statusCode).toBe(401);
  });

  it('refuses an address with 429 + Retry-After once it used up its failures, without a lookup; other addresses are unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await post('ak_0000000000.forged')).statusCode).toBe(401);
    const before = lookups;
    const refused = await post('ak_0000000000.forged');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ error: 'too-many-failures' });
    expect(lookups).toBe(before);
    expect((await post('ak_0000000000.forged', '10.0.0.2')).statusCode).toBe(401);
  });
});
