import { createWmsClient } from '@wmsi/client';
import { loadEnv } from '@wmsi/config';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { deleteKeysWithPrefix, ignoreConnectionErrors, testPrefix } from '@wmsi/queue/testing';
import { connectForBackgroundWork } from '@wmsi/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkApi, checkDatabase } from './check.js';
import { issueCredentials, waitUntilSettled } from './setup.js';
import { runSimulation } from './simulation.js';
import { startStack, type Stack } from './stack.js';

describe('a simulated Acumatica against the whole stack', () => {
  const redisUrl = loadEnv().REDIS_URL;
  const prefix = testPrefix();
  let database: TestDatabase;
  let stack: Stack;
  let credentials: Awaited<ReturnType<typeof issueCredentials>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    credentials = await issueCredentials(database.db, redisUrl, prefix);
    stack = await startStack({ databaseUrl: database.url, redisUrl, prefix, env: { PAIRING_WINDOW_MS: '1000', WORKER_LOCK_MS: '2000' } });
  }, 90_000);
  afterAll(async () => {
    await stack?.stopAll();
    const redis = connectForBackgroundWork(redisUrl, ignoreConnectionErrors);
    await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
    await database?.drop();
  });

  it('ends, after split pairs, duplicates and late deliveries, in exactly the state the ERP holds', async () => {
    const run = await runSimulation({
      gatewayUrl: stack.gatewayUrl,
      keys: credentials.keys,
      rate: 40,
      durationMs: 6_000,
      seed: 42,
      delivery: { split: 0.3, duplicates: 0.1, reorder: 0.1, splitGapMs: 800 },
    });
    expect(run.stats.gaveUp).toBe(0);
    await waitUntilSettled(redisUrl, prefix);
    const database_ = await checkDatabase(database.db, run.oracle);
    expect(database_.checked).toBeGreaterThan(run.transactions);
    expect({ lost: database_.lost, wrong: database_.wrong, twice: database_.appliedTwice }).toEqual({ lost: [], wrong: [], twice: [] });
    // The check can fail: an oracle that expects one line in another state is caught.
    const [someLine] = run.oracle.lines.values();
    someLine.live = !someLine.live;
    expect((await checkDatabase(database.db, run.oracle)).wrong).toHaveLength(1);
    someLine.live = !someLine.live;

    const api = await checkApi(createWmsClient({ url: stack.apiUrl, token: credentials.token }), run.oracle);
    expect({ lost: api.lost, wrong: api.wrong }).toEqual({ lost: [], wrong: [] });
  }, 120_000);
});
