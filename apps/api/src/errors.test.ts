/**
 * Crafted input gets a 4xx naming the field, never a 5xx with PostgreSQL's words (issue 11.2), and
 * an internal error is answered with a request id the API log has the real message under.
 */
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { issueToken } from '@wmsi/trpc';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';

interface ErrorReply {
  status: number;
  message: string;
  data: { code: string; httpStatus: number; fieldErrors: Record<string, string[]> | null; appCode: string | null; requestId: string | null; stack?: unknown };
}

const cursorOf = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('API errors (real HTTP, PostgreSQL and Redis)', () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  let token: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items' });
    api = await startTestApi(bed, { logger: { level: 'error', stream: { write: (line: string) => void logLines.push(line) } } });
    ({ token } = await issueToken(bed.db, 'admin', 'errors test'));
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  /** A call as tRPC's links send it: a query as GET ?input=, a mutation as POST; the error as the client reads it. */
  async function call(path: string, json: unknown, kind: 'query' | 'mutation' | 'subscription' = 'query'): Promise<ErrorReply> {
    const input = typeof json === 'string' && json.startsWith('{') ? `{"json":${json}}` : JSON.stringify({ json });
    const headers = { authorization: `Bearer ${token}`, ...(kind === 'subscription' ? { accept: 'text/event-stream' } : {}) };
    const response =
      kind === 'mutation'
        ? await fetch(`${api.url}/trpc/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: input })
        : await fetch(`${api.url}/trpc/${path}?input=${encodeURIComponent(input)}`, { headers });
    const body = (await response.json()) as { error: { json: { message: string; data: ErrorReply['data'] } } };
    return { status: response.status, message: body.error.json.message, data: body.error.json.data };
  }

  const expectFieldRefused = (reply: ErrorReply, field: string) => {
    expect(reply.status, reply.message).toBe(400);
    expect(reply.data.code).toBe('BAD_REQUEST');
    expect(Object.keys(reply.data.fieldErrors ?? {})).toContain(field);
    expect(reply.message).toContain(field);
    expect(reply.message).not.toMatch(/out of range|invalid input syntax|invalid byte sequence|postgres/i);
  };

  it('refuses a pick list cursor holding 1e300, or a line number past int4, naming the cursor', async () => {
    expectFieldRefused(await call('fulfillment.pickList', { cursor: cursorOf(['SH000001', 1e300]) }), 'cursor');
    expectFieldRefused(await call('fulfillment.pickList', { cursor: cursorOf(['SH000001', 2 ** 31]) }), 'cursor');
    expectFieldRefused(await call('receiving.expected', { cursor: cursorOf(['Normal', 'PO\u0000']) }), 'cursor');
    expectFieldRefused(await call('items.search', { query: 'A', cursor: cursorOf([{ a: 1 }]) }), 'cursor');
    expectFieldRefused(await call('adjustments.reconciliation', { cursor: cursorOf(['A', 'B']) }), 'cursor');
  });

  it('refuses ids past int8 (twenty nines, and nineteen), naming the id', async () => {
    expectFieldRefused(await call('sync.quarantined', { id: '99999999999999999999' }), 'id');
    expectFieldRefused(await call('sync.quarantined', { id: '9999999999999999999' }), 'id');
    expectFieldRefused(await call('sync.replay', { quarantineId: '9223372036854775808' }, 'mutation'), 'quarantineId');
    expectFieldRefused(await call('documents.history', { topic: 'stock-items', documentKey: { inventoryId: 'A' }, cursor: '9223372036854775808' }), 'cursor');
    // The largest id there is reads as no row.
    expect((await fetch(`${api.url}/trpc/sync.quarantined?input=${encodeURIComponent(JSON.stringify({ json: { id: '9223372036854775807' } }))}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses huge strings, U+0000 and deep nesting, naming where they are', async () => {
    expectFieldRefused(await call('admin.tokens.create', { role: 'admin', name: 'x'.repeat(100_000) }, 'mutation'), 'name');
    expectFieldRefused(await call('fulfillment.assemblyOrder', { type: '0', referenceNbr: 'A\u0000' }), 'referenceNbr');
    expectFieldRefused(await call('sync.replayQuarantined', { filter: { reason: 'x\u0000' } }, 'mutation'), 'filter.reason');
    // As text: JSON.stringify itself would overflow the stack on it.
    const deep = `{"filter":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const reply = await call('sync.replayQuarantined', deep, 'mutation');
    expect(reply.status).toBe(400);
    expect(reply.message).toMatch(/nested deeper than 16 levels/);
    expect(Object.keys(reply.data.fieldErrors ?? {})[0]).toMatch(/^filter\.a\.a/);
  });

  it("answers a made-up sync.pull snapshot cursor holding U+0000 with RESYNC_REQUIRED, not PostgreSQL's error", async () => {
    const since = `s.${cursorOf(['0-0', 0, ['A\u0000']])}`;
    const reply = await call('sync.pull', { since });
    expect(reply.status, reply.message).toBe(412);
    expect(reply.data.appCode).toBe('RESYNC_REQUIRED');
  });

  it('refuses a malformed subscription input with 400 before the stream opens', async () => {
    expectFieldRefused(await call('sync.changes', { topics: 'stock-items' }, 'subscription'), 'topics');
    expectFieldRefused(await call('sync.changes', { warehouse: 'MAIN\u0000' }, 'subscription'), 'warehouse');
  });

  it('keeps an app error its message and appCode', async () => {
    const reply = await call('sync.replay', { quarantineId: '424242' }, 'mutation');
    expect(reply.status).toBe(404);
    expect(reply.data).toMatchObject({ code: 'NOT_FOUND', appCode: 'NOT_FOUND', requestId: null });
    expect(reply.message).toMatch(/424242/);
  });

  it("answers an internal error with a request id, never the database's message, and logs the message under that id", async () => {
    await sql`drop table stock_items cascade`.execute(bed.db);
    const reply = await call('items.get', { inventoryId: 'AACOMPUT01' });
    expect(reply.status).toBe(500);
    expect(reply.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(reply.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.message).toBe(`Internal server error; the API log has the details under request id ${reply.data.requestId}`);
    expect(reply.message).not.toMatch(/stock_items|relation/);
    expect(reply.data).not.toHaveProperty('stack');
    const logged = logLines.map((line) => JSON.parse(line) as { requestId?: string; err?: { message?: string } }).find((line) => line.requestId === reply.data.requestId);
    expect(logged?.err?.message).toMatch(/relation "stock_items" does not exist/);
  });
});
