/**
 * Quick intake benchmark: accepted notifications/s and ack latency of the real gateway process
 * (auth, exact parse, validation, durable XADD, with its dispatcher running) against a bare Fastify
 * JSON-POST route, same payload shape, same load generator, same machine, one run.
 *
 *   npm run intake -w @wmsi/bench [-- <seconds per round, default 10>] [--json <file>]
 *
 * Needs wrk (apt-get install wrk). With --json the result (or `{ "error": ... }`) is also written
 * to that file, which is how `npm run bench` reads it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { npmStartArguments } from '@wmsi/acumatica-sim';
import { loadEnv } from '@wmsi/config';
import { purchaseOrderBody } from '@wmsi/contracts/testing';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, migrateToLatest } from '@wmsi/db';
import { issueApiKey } from '@wmsi/intake';
import { connectForBackgroundWork, intakeKeys } from '@wmsi/queue';
import { deleteKeysWithPrefix, freePort } from '@wmsi/queue/testing';
import { reasonOf } from './deadline.js';
import { postWithWrk, WRK_MISSING, wrkIsInstalled, type LoadResult } from './wrk.js';

const CONNECTIONS = 32;
const ROUNDS = 2;
const WARM_UP_SECONDS = 3;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
const SECONDS = Number(positionals[0] ?? 10);
const report = (result: object) => {
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
};

if (!(await wrkIsInstalled())) {
  console.error(`intake: ${WRK_MISSING} (brew install wrk on macOS)`);
  report({ error: WRK_MISSING });
  process.exit(1);
}

const env = loadEnv();
const run = randomBytes(4).toString('hex');
const dbUrl = databaseUrl(env.DATABASE_URL, `wmsi_bench_${run}`);
const prefix = `bench-${run}`;
await ensureDatabaseExists(dbUrl);
const db = createDb(dbUrl);
const redis = connectForBackgroundWork(env.REDIS_URL, (error) => console.error(error));
const children: ChildProcess[] = [];

let cleaning: Promise<void> | undefined;
/** Stops both servers and removes the database and keys of this run; once, whoever asks first. */
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
    await db.destroy().catch(() => undefined);
    await dropDatabase(dbUrl).catch((error) => console.error(`intake: could not drop ${dbUrl}: ${reasonOf(error)}`));
  })());
// `npm run bench` stops this script with SIGTERM when it runs out of time: leave nothing behind.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    report({ error: `intake bench stopped by ${signal}` });
    void cleanUp().finally(() => process.exit(128 + (signal === 'SIGTERM' ? 15 : 2)));
  });
}

const fromSource = (script: string) => ['--conditions=@wmsi/source', '--import', 'tsx', script];
const start = async (args: string[], cwd: string, childEnv: Record<string, string>, port: number) => {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...childEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${args.join(' ')} did not start${child.exitCode !== null ? ` (exit code ${child.exitCode})` : ''}`);
};

try {
  await migrateToLatest(db);
  const { key } = await issueApiKey({ db, redis, keys: intakeKeys(prefix) }, 'purchase-orders');
  const [barePort, gatewayPort] = [await freePort(), await freePort()];
  await start([...fromSource('tools/bench/src/bare-server.ts'), String(barePort)], repoRoot, {}, barePort);
  // The gateway as `npm start` runs it: its bundle, with the node flags of its start script.
  await start(await npmStartArguments('gateway'), `${repoRoot}/apps/gateway`, {
    DATABASE_URL: dbUrl,
    REDIS_PREFIX: prefix,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(gatewayPort),
    LOG_LEVEL: 'error',
  }, gatewayPort);

  const bodyTemplate = purchaseOrderBody({ orderNbr: 'PO__N__', id: 'notification-__N__', lines: 5 });
  const load = (port: number, seconds: number) =>
    postWithWrk({
      url: `http://127.0.0.1:${port}/webhooks/acumatica/purchase-orders`,
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': key },
      bodyTemplate,
      connections: CONNECTIONS,
      seconds,
    });

  // Warm both up (JIT, connection pools), then alternate so drift on this noisy machine hits both.
  await load(barePort, WARM_UP_SECONDS);
  await load(gatewayPort, WARM_UP_SECONDS);
  const bare: LoadResult[] = [];
  const gateway: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await load(barePort, SECONDS));
    gateway.push(await load(gatewayPort, SECONDS));
  }
  const best = (results: LoadResult[]) => results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
  const [b, g] = [best(bare), best(gateway)];
  const result = {
    payload: `5-line purchase order, ${Buffer.byteLength(bodyTemplate)} bytes`,
    loadGenerator: 'wrk',
    connections: CONNECTIONS,
    secondsPerRound: SECONDS,
    rounds: { bare, gateway },
    bare: b,
    gateway: g,
    throughputRatio: Number((g.requestsPerSecond / b.requestsPerSecond).toFixed(2)),
    p99Ratio: Number((g.p99Ms / b.p99Ms).toFixed(2)),
  };
  if (values.json === undefined) console.log(JSON.stringify(result, null, 2));
  report(result);
  console.log(
    `intake: ${g.requestsPerSecond.toFixed(0)} accepted/s (p50 ${g.p50Ms} ms, p99 ${g.p99Ms} ms) vs bare Fastify ${b.requestsPerSecond.toFixed(0)}/s (p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms): ` +
      `${result.throughputRatio}x throughput, ${result.p99Ratio}x p99; non-2xx ${g.non2xx}`,
  );
  if (g.non2xx > 0 || g.socketErrors > 0) process.exitCode = 1;
} catch (error) {
  console.error(`intake: ${reasonOf(error)}`);
  report({ error: reasonOf(error) });
  process.exitCode = 1;
} finally {
  await cleanUp();
}
