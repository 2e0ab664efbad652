import { createWmsClient } from '@wmsi/client';
import { createDb } from '@wmsi/db';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { startOwnRedisServer, testPrefix, type OwnRedisServer } from '@wmsi/queue/testing';
import { startStack, type Stack } from '@wmsi/stack';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkApi, checkDatabase } from './check.js';
import { issueCredentials, waitUntilSettled } from './setup.js';
import { runSimulation } from './simulation.js';

describe('faults during a simulated stream (own Redis with AOF, loopback only)', () => {
  const prefix = testPrefix();
  let redis: OwnRedisServer;
  let database: TestDatabase;
  let stack: Stack;
  let credentials: Awaited<ReturnType<typeof issueCredentials>>;
  beforeAll(async () => {
    redis = await startOwnRedisServer({ appendOnly: true });
    database = await createTestDatabase();
    credentials = await issueCredentials(database.db, redis.url, prefix);
    stack = await startStack({ databaseUrl: database.url, redisUrl: redis.url, prefix, env: { PAIRING_WINDOW_MS: '1000', WORKER_LOCK_MS: '2000' } });
  }, 90_000);
  afterAll(async () => {
    await stack?.stopAll();
    await redis?.destroy();
    await database?.drop();
  });

  it('loses nothing and applies nothing twice through crashes of every app, of Redis, and of PostgreSQL connections', async () => {
    const faults: string[] = [];
    const admin = createDb(database.url, { maxConnections: 1 });
    const run = await runSimulation({
      gatewayUrl: stack.gatewayUrl,
      keys: credentials.keys,
      rate: 40,
      durationMs: 20_000,
      seed: 7,
      delivery: { split: 0.3, duplicates: 0.1, reorder: 0.1, splitGapMs: 800 },
      onSecond: async (second) => {
        if (second === 2) await stack.crash('gateway').then(() => faults.push('gateway'));
        if (second === 5) await Promise.all([stack.crash('worker-receiving'), stack.crash('worker-fulfillment')]).then(() => faults.push('workers'));
        if (second === 8) await stack.crash('api').then(() => faults.push('api'));
        if (second === 11) {
          await redis.stop({ crash: true });
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          await redis.start();
          faults.push('redis');
        }
        if (second === 15) {
          // Every connection to this database dropped, as a PostgreSQL restart or failover would.
          const { rows } = await sql<{ pid: number }>`
            select pg_terminate_backend(pid) as pid from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()`.execute(admin);
          faults.push(`postgres (${rows.length} connections)`);
        }
      },
    });
    await admin.destroy();
    expect(faults).toHaveLength(5);
    expect(run.stats.gaveUp).toBe(0);
    // Some requests were refused while things were down, and resent until accepted.
    expect(Object.values(run.stats.refused).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    await waitUntilSettled(redis.url, prefix).catch(async (error: Error) => {
      const probe = createDb(database.url, { maxConnections: 1 });
      const { rows } = await sql`select pid, application_name, state, wait_event_type, wait_event, now() - xact_start as xact_age, left(query, 120) as query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(probe);
      await probe.destroy();
      throw new Error(`${error.message}\n${JSON.stringify(rows, null, 1)}\nworker-fulfillment:\n${stack.output('worker-fulfillment').slice(-4000)}`);
    });
    const stored = await checkDatabase(database.db, run.oracle);
    expect({ lost: stored.lost, wrong: stored.wrong, twice: stored.appliedTwice }).toEqual({ lost: [], wrong: [], twice: [] });
    // The check can fail: an oracle that expects one line in another state is caught.
    const [someLine] = run.oracle.lines.values();
    someLine.live = !someLine.live;
    expect((await checkDatabase(database.db, run.oracle)).wrong).toHaveLength(1);
    someLine.live = !someLine.live;

    const api = await checkApi(createWmsClient({ url: stack.apiUrl, token: credentials.token }), run.oracle);
    expect({ lost: api.lost, wrong: api.wrong }).toEqual({ lost: [], wrong: [] });
  }, 180_000);
});
