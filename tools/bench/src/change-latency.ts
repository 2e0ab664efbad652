/**
 * End-to-end latency: from the gateway's 202 to the change event arriving at a client subscribed
 * to `sync.changes`, with the real processes (gateway, worker-receiving, api) as `npm start` runs
 * them. Posts N one-line purchase orders at a steady rate and matches each event to its post,
 * after a warm-up of one second's worth at the same rate (`npm run bench` warms up 10 s): the very
 * first posts of a stack started a moment ago wait for its JIT, pools and first plans.
 *
 *   npm run change-latency -w @wmsi/bench [-- <notifications, default 1000> <per second, default 100>]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createWmsClient } from '@wmsi/client';
import { loadEnv } from '@wmsi/config';
import { nextTimeStamp, notificationBody } from '@wmsi/contracts/testing';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, migrateToLatest } from '@wmsi/db';
import { issueApiKey } from '@wmsi/intake';
import { connectForBackgroundWork, intakeKeys } from '@wmsi/queue';
import { deleteKeysWithPrefix } from '@wmsi/queue/testing';
import { startStack, type Stack } from '@wmsi/stack';
import { issueToken } from '@wmsi/trpc';

const COUNT = Number(process.argv[2] ?? 1_000);
const RATE = Number(process.argv[3] ?? 100);
const WARM_UP = RATE;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

const env = loadEnv();
const run = randomBytes(4).toString('hex');
const dbUrl = databaseUrl(env.DATABASE_URL, `wmsi_bench_${run}`);
const prefix = `bench-${run}`;
await ensureDatabaseExists(dbUrl);
const db = createDb(dbUrl);
await migrateToLatest(db);
const redis = connectForBackgroundWork(env.REDIS_URL, (error) => console.error(error));
const { key } = await issueApiKey({ db, redis, keys: intakeKeys(prefix) }, 'purchase-orders');
const { token } = await issueToken(db, 'desktop', 'latency bench');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

let stack: Stack | undefined;
try {
  stack = await startStack({ databaseUrl: dbUrl, redisUrl: env.REDIS_URL, prefix, apps: ['gateway', 'worker-receiving', 'api'], env: { LOG_LEVEL: 'warn' } });
  const { gatewayUrl, apiUrl } = stack;

  const acknowledged = new Map<string, number>();
  const latencies: number[] = [];
  const client = createWmsClient({ url: apiUrl, token });
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const subscription = client.sync.changes.subscribe(
    { topics: ['purchase-orders'] },
    {
      onStarted: () => started(),
      onData: ({ data }) => {
        const orderNbr = String(data.documentKey.orderNbr);
        const at = acknowledged.get(orderNbr);
        if (at !== undefined && !orderNbr.startsWith('WARM')) latencies.push(performance.now() - at);
      },
    },
  );
  await ready;

  const post = async (i: number) => {
    const orderNbr = i < 0 ? `WARM${String(-i).padStart(6, '0')}` : `LAT${String(i).padStart(6, '0')}`;
    const body = notificationBody({
      query: 'WMS Purchase Orders',
      inserted: [{ OrderType: 'Normal', OrderNbr: orderNbr, Status: 'Open', Warehouse: 'MAIN', LineNbr: 1, InventoryID: 'AALEGO500', OrderQty: 5, OpenQty: 5 }],
      timeStamp: nextTimeStamp(),
    });
    const reply = await fetch(`${gatewayUrl}/webhooks/acumatica/purchase-orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body,
    });
    if (reply.status !== 202) throw new Error(`post ${i}: ${reply.status}`);
    acknowledged.set(orderNbr, performance.now());
  };

  const began = performance.now() + (WARM_UP * 1000) / RATE;
  const posts: Promise<void>[] = [];
  for (let i = -WARM_UP; i < COUNT; i++) {
    const due = began + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    posts.push(post(i));
  }
  await Promise.all(posts);
  const deadline = performance.now() + 30_000;
  while (latencies.length < COUNT && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  subscription.unsubscribe();

  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    notifications: COUNT,
    ratePerSecond: RATE,
    eventsReceived: latencies.length,
    p50Ms: Number(percentile(sorted, 50).toFixed(1)),
    p90Ms: Number(percentile(sorted, 90).toFixed(1)),
    p99Ms: Number(percentile(sorted, 99).toFixed(1)),
    maxMs: Number(sorted[sorted.length - 1].toFixed(1)),
  };
  console.log(`\n202 -> change event on sync.changes, ${COUNT} one-line POs at ${RATE}/s after ${WARM_UP} to warm up (gateway, worker-receiving, api as processes)\n`);
  console.log('| events | p50 | p90 | p99 | max |\n|---:|---:|---:|---:|---:|');
  console.log(`| ${result.eventsReceived}/${COUNT} | ${result.p50Ms} ms | ${result.p90Ms} ms | ${result.p99Ms} ms | ${result.maxMs} ms |`);
  mkdirSync(`${repoRoot}/tools/bench/results`, { recursive: true });
  writeFileSync(`${repoRoot}/tools/bench/results/change-latency.json`, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await stack?.stopAll();
  await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
  redis.disconnect();
  await db.destroy();
  await dropDatabase(dbUrl).catch((error) => console.error(`could not drop ${dbUrl}: ${String(error)}`));
}
