/**
 * Property-based fuzz of the client API (issue 11.7): random inputs to EVERY query and mutation of
 * the app router (enumerated from `_def.procedures`, so a new procedure is fuzzed without a change
 * here), sent as an admin over real HTTP to the real API on real PostgreSQL and Redis. Whatever
 * arrives, the answer is a 2xx or a 4xx, never a 5xx; a refusal is tRPC's JSON error with a
 * message and never PostgreSQL's words; nothing escapes a request and the process stays up.
 *
 * fast-check prints the seed and the shrunk counterexample of a failure; rerun one with
 * `fc.assert(property, { seed, path })`.
 */
import { appRouter } from '@wmsi/app-router';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { issueToken } from '@wmsi/trpc';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';
import { cursor, envelopeFor, envelopeText, proceduresOf, type Envelope, type ProcedureEntry } from './testing/fuzz-inputs.js';

/** Words of PostgreSQL's (and node-postgres') messages: none may reach a client. */
const DATABASE_WORDS = /out of range for type|invalid input syntax|syntax error at or near|relation "|column "|violates|pg_|postgres|numeric field overflow|invalid byte sequence|unsupported Unicode escape/i;

const procedures = proceduresOf(appRouter);
const callable = procedures.filter((procedure) => procedure.type !== 'subscription');
const subscriptions = procedures.filter((procedure) => procedure.type === 'subscription');

/** Runs per property; the total is printed for the report. */
const RUNS = { everyProcedure: 1_500, cursors: 450, subscriptions: 100 };

interface Reply {
  status: number;
  body: string;
}

/** A query's input in its URL: a lone surrogate (raw text may have one) goes as the bytes Node would send. */
const percentEncoded = (text: string) =>
  text.isWellFormed() ? encodeURIComponent(text) : [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

type Tally = Map<string, number>;
const count = (tally: Tally, key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
const summary = (tally: Tally) => [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key}: ${n}`).join(', ');

describe('the client API under random input (real HTTP, PostgreSQL and Redis)', () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  let token: string;
  const escaped: unknown[] = [];
  const onEscape = (error: unknown) => escaped.push(error);
  let sent = 0;

  beforeAll(async () => {
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
    bed = await createChangesTestbed({ domain: 'items' });
    api = await startTestApi(bed, { rateLimitPerMinute: 1_000_000 });
    ({ token } = await issueToken(bed.db, 'admin', 'fuzz admin'));
  });
  afterAll(async () => {
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
    await api?.close();
    await bed?.cleanup();
    console.log(`API fuzz: ${sent} requests to ${callable.length} queries and mutations and ${subscriptions.length} subscriptions`);
  });

  /** A query as GET with `?input=`, a mutation as POST with a JSON body, as tRPC's links send them. */
  async function call(procedure: ProcedureEntry, envelope: Envelope, accept?: string): Promise<Reply> {
    const text = envelopeText(envelope);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (accept !== undefined) headers['accept'] = accept;
    const url = `${api.url}/trpc/${procedure.path}`;
    sent++;
    const response =
      procedure.type === 'mutation'
        ? await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: text })
        : await fetch(text === undefined ? url : `${url}?input=${percentEncoded(text)}`, { headers, signal: AbortSignal.timeout(10_000) });
    // A subscription that started streams forever: its status is all there is to check.
    const body = response.headers.get('content-type')?.includes('text/event-stream') ? (await response.body?.cancel(), '') : await response.text();
    return { status: response.status, body };
  }

  /** A 4xx is tRPC's JSON error with a message, and no database words; a 2xx is JSON. */
  function checkReply(reply: Reply) {
    expect(reply.status, reply.body.slice(0, 2_000)).toBeLessThan(500);
    if (reply.status === 431 || reply.status === 414) return; // refused by Node's HTTP parser: URL past 16 KiB
    if (reply.status >= 400 && reply.body !== '') {
      const parsed = JSON.parse(reply.body) as { error?: { json?: { message?: string; data?: { fieldErrors?: Record<string, string[]> | null } } }; message?: string };
      const message = parsed.error?.json?.message ?? parsed.message;
      expect(typeof message, reply.body.slice(0, 2_000)).toBe('string');
      expect(message).not.toMatch(DATABASE_WORDS);
      expect(reply.body).not.toContain('"stack"');
      // A refused field is named, in fieldErrors and in the message.
      const fields = Object.keys(parsed.error?.json?.data?.fieldErrors ?? {});
      if (fields.length > 0) expect(message).toContain(`Invalid input: ${fields[0]}`);
    }
  }

  it(`every query and mutation answers random input with a 2xx or a 4xx (${RUNS.everyProcedure} runs)`, async () => {
    expect(callable.length).toBeGreaterThanOrEqual(25);
    const tally: Tally = new Map();
    const request = fc.constantFrom(...callable).chain((procedure) => envelopeFor(procedure.shape).map((envelope) => ({ procedure, envelope })));
    await fc.assert(
      fc.asyncProperty(request, async ({ procedure, envelope }) => {
        const reply = await call(procedure, envelope);
        count(tally, String(reply.status));
        checkReply(reply);
      }),
      { numRuns: RUNS.everyProcedure },
    );
    console.log(`every procedure, replies: ${summary(tally)}`);
  }, 120_000);

  it(`paged lists answer a made-up cursor with a 2xx or a 4xx (${RUNS.cursors} runs)`, async () => {
    const paged = callable.filter((procedure) => 'cursor' in procedure.shape || 'since' in procedure.shape);
    expect(paged.map((procedure) => procedure.path)).toEqual(expect.arrayContaining(['fulfillment.pickList', 'receiving.expected', 'items.search', 'adjustments.reconciliation']));
    const tally: Tally = new Map();
    const request = fc.record({
      procedure: fc.constantFrom(...paged),
      cursor,
      // The fields a list needs besides its cursor, valid, so the cursor is what reaches the query.
      query: fc.constantFrom('A', 'PO', '1'),
      limit: fc.integer({ min: 1, max: 200 }),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ procedure, cursor: sentCursor, query, limit }) => {
        const json: Record<string, unknown> = { limit };
        if ('query' in procedure.shape) json['query'] = query;
        if ('topic' in procedure.shape) json['topic'] = 'stock-items';
        if ('documentKey' in procedure.shape) json['documentKey'] = { inventoryId: 'AACOMPUT01' };
        json['since' in procedure.shape ? 'since' : 'cursor'] = sentCursor;
        const reply = await call(procedure, { kind: 'superjson', json });
        count(tally, String(reply.status));
        checkReply(reply);
      }),
      { numRuns: RUNS.cursors },
    );
    console.log(`cursors, replies: ${summary(tally)}`);
  }, 60_000);

  it(`subscriptions answer malformed input with a 4xx (${RUNS.subscriptions} runs)`, async () => {
    expect(subscriptions.map((procedure) => procedure.path)).toContain('sync.changes');
    const tally: Tally = new Map();
    const request = fc.constantFrom(...subscriptions).chain((procedure) => envelopeFor(procedure.shape).map((envelope) => ({ procedure, envelope })));
    await fc.assert(
      fc.asyncProperty(request, async ({ procedure, envelope }) => {
        const reply = await call(procedure, envelope, 'text/event-stream');
        count(tally, String(reply.status));
        checkReply(reply);
      }),
      { numRuns: RUNS.subscriptions },
    );
    // The known malformed ones: a wrong type, a cursor past any log position, an unknown topic.
    for (const json of [{ topics: 'stock-items' }, { lastEventId: '1-'.repeat(40) }, { topics: ['nope'] }, { document: { a: 1e300 } }]) {
      const reply = await call({ path: 'sync.changes', type: 'subscription', shape: {} }, { kind: 'superjson', json }, 'text/event-stream');
      expect(reply.status, `${JSON.stringify(json)}: ${reply.body}`).toBeGreaterThanOrEqual(400);
      checkReply(reply);
    }
    console.log(`subscriptions, replies: ${summary(tally)}`);
  }, 60_000);

  it('is still up and answering afterwards, with nothing thrown outside a request', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ postgres: true, redis: true });
    const reply = await call(callable.find((procedure) => procedure.path === 'session.me')!, { kind: 'none' });
    expect(reply.status).toBe(200);
    expect(escaped).toEqual([]);
  });
});
