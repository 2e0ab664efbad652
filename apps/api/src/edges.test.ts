import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { createWmsClient, TRPCClientError } from '@wmsi/client';
import { itemsTables } from '@wmsi/items';
import { issueToken, revokeToken } from '@wmsi/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';

// The API's edges: who is asked what before a body is read, stream tickets, failed-token limits,
// bounded metric labels.

async function codeOf(call: Promise<unknown>): Promise<string | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : `not a tRPC error: ${String(error)}`),
  );
}

/**
 * Opens `sync.changes` by hand with the given connection parameters, as an EventSource would, and
 * listens for a second: 'streaming' when no error came, else the code of the error event (tRPC
 * answers a stream's refusal with `event: serialized-error` after `connected`).
 */
async function openStream(api: TestApi, connectionParams: Record<string, string>): Promise<string> {
  const input = encodeURIComponent(JSON.stringify({ json: { topics: ['stock-items'] } }));
  const params = encodeURIComponent(JSON.stringify(connectionParams));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1_000);
  let text = '';
  try {
    const response = await fetch(`${api.url}/trpc/sync.changes?input=${input}&connectionParams=${params}`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (response.status !== 200) {
      const refused = (await response.json()) as { error: { json: { data: { code: string } } } };
      return `HTTP ${response.status} ${refused.error.json.data.code}`;
    }
    const reader = response.body!.getReader();
    while (!/^event: serialized-error$/m.test(text) || !text.endsWith('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  if (!/^event: serialized-error$/m.test(text)) return 'streaming';
  // Refusals come as HTTP 401 (above); an error event is what a stream that started ends with.
  return /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? text;
}

describe('the API checks its callers before their bodies, and streams by ticket', () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items', tables: itemsTables });
    api = await startTestApi(bed);
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  it('answers a mutation with a wrong token 401 without reading its body (one over the body limit is not even 413)', async () => {
    const body = JSON.stringify({ 0: { json: { quarantineId: 'x'.repeat(2 * 1024 * 1024) } } });
    const forged = await fetch(`${api.url}/trpc/sync.replay?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wt_0000000000.forgedforgedforgedforgedforgedforgedforged1' },
      body,
    });
    expect(forged.status).toBe(401);
    const [reply] = (await forged.json()) as Array<{ error: { json: { data: { code: string } } } }>;
    expect(reply?.error.json.data.code).toBe('UNAUTHORIZED');
    // The same body with a valid token is read, and is over the limit.
    const { token } = await issueToken(bed.db, 'admin', 'Edges');
    const read = await fetch(`${api.url}/trpc/sync.replay?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    expect(read.status).toBe(413);
    // And the typed client reads the early refusal as any other UNAUTHORIZED.
    expect(await codeOf(createWmsClient({ url: api.url, token: 'wt_0000000000.nope' }).auth.streamTicket.mutate())).toBe('UNAUTHORIZED');
  });

  it('gives a token a single-use ticket that opens one stream, kept in Redis only hashed and for 30 s', async () => {
    const { token } = await issueToken(bed.db, 'handheld', 'Ticket holder');
    const client = createWmsClient({ url: api.url, token });
    const { ticket, expiresInSeconds } = await client.auth.streamTicket.mutate();
    expect(ticket).toMatch(/^st_[A-Za-z0-9_-]{43}$/);
    expect(expiresInSeconds).toBe(30);
    const [key] = await bed.redis.keys(`${bed.prefix}:{stream-tickets}:*`);
    expect(key).toBeDefined();
    expect(key).not.toContain(ticket.slice(3));
    expect(await bed.redis.get(key!)).not.toContain(ticket.slice(3));
    expect(await bed.redis.ttl(key!)).toBeGreaterThan(0);
    expect(await bed.redis.ttl(key!)).toBeLessThanOrEqual(30);

    expect(await openStream(api, { ticket })).toBe('streaming');
    // Used once: a second connection with it is refused, as is a made-up one.
    expect(await openStream(api, { ticket })).toBe('HTTP 401 UNAUTHORIZED');
    expect(await openStream(api, { ticket: `st_${'A'.repeat(43)}` })).toBe('HTTP 401 UNAUTHORIZED');
  });

  it('refuses a token in a URL, even a valid one', async () => {
    const { token } = await issueToken(bed.db, 'handheld', 'Token in URL');
    expect(await openStream(api, { token })).toBe('HTTP 401 UNAUTHORIZED');
    const query = await fetch(`${api.url}/trpc/session.me?token=${encodeURIComponent(token)}`);
    expect(query.status).toBe(401);
    // With the token where it belongs, the same call answers.
    expect((await fetch(`${api.url}/trpc/session.me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("refuses a ticket whose token was revoked after it was issued", async () => {
    const issued = await issueToken(bed.db, 'desktop', 'Revoked after ticket');
    const { ticket } = await createWmsClient({ url: api.url, token: issued.token }).auth.streamTicket.mutate();
    await revokeToken(bed.db, issued.tokenId);
    expect(await openStream(api, { ticket })).toBe('HTTP 401 UNAUTHORIZED');
  });

  it('labels call metrics with the router procedure names only: any other path is "unknown"', async () => {
    const { token } = await issueToken(bed.db, 'desktop', 'Metrics');
    const headers = { authorization: `Bearer ${token}` };
    const okCalls = async () => Number(/wmsi_api_calls_total\{path="session.me",outcome="OK"\} (\d+)/.exec(await (await fetch(`${api.url}/metrics`)).text())?.[1] ?? 0);
    const before = await okCalls();
    for (let i = 0; i < 5; i++) await fetch(`${api.url}/trpc/made.up${i}x?input=%7B%7D`, { headers });
    // A batch counts once per procedure in it.
    expect((await fetch(`${api.url}/trpc/session.me,session.me?batch=1`, { headers })).status).toBe(200);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).not.toMatch(/made\.up/);
    expect(metrics).toMatch(/wmsi_api_calls_total\{path="unknown",outcome="NOT_FOUND"\} 5/);
    expect(await okCalls()).toBe(before + 2);
  });
});

describe('failed token lookups per client address are limited', () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items', tables: itemsTables });
    api = await startTestApi(bed, { authFailuresPerMinute: 3 });
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  const me = (token: string) => fetch(`${api.url}/trpc/session.me`, { headers: { authorization: `Bearer ${token}` } });

  it('never limits a caller whose token checks out, and refuses an address past its failures with 429 + Retry-After', async () => {
    const { token } = await issueToken(bed.db, 'handheld', 'Good');
    for (let i = 0; i < 10; i++) expect((await me(token)).status).toBe(200);
    const forged = 'wt_0000000000.forgedforgedforgedforgedforgedforgedforged1';
    for (let i = 0; i < 3; i++) expect((await me(forged)).status).toBe(401);
    const refused = await me(forged);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // The typed client reads it as TOO_MANY_REQUESTS.
    expect(await codeOf(createWmsClient({ url: api.url, token: forged }).session.me.query())).toBe('TOO_MANY_REQUESTS');
  });
});
