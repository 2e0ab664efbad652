/**
 * Quick intake benchmark: accepted notifications/s and ack latency of the real gateway process
 * (auth, exact parse, validation, durable XADD, with its dispatcher running) against a bare Fastify
 * JSON-POST route, same payload shape, same load generator, same machine, one run.
 *
 *   npm run intake -w @wmsi/bench            (needs wrk: apt-get install wrk)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '@wmsi/config';
import { purchaseOrderBody } from '@wmsi/contracts/testing';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, migrateToLatest } from '@wmsi/db';
import { issueApiKey } from '@wmsi/intake';
import { connectForBackgroundWork, intakeKeys } from '@wmsi/queue';
import { deleteKeysWithPrefix, freePort } from '@wmsi/queue/testing';
import { postWithWrk, wrkIsInstalled, type LoadResult } from './wrk.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.argv[2] ?? 10);
const ROUNDS = 2;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

if (!(await wrkIsInstalled())) {
  console.error('wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk');
  process.exit(1);
}

const env = loadEnv();
const run = randomBytes(4).toString('hex');
const dbUrl = databaseUrl(env.DATABASE_URL, `wmsi_bench_${run}`);
const prefix = `bench-${run}`;
await ensureDatabaseExists(dbUrl);
const db = createDb(dbUrl);
await migrateToLatest(db);
const redis = connectForBackgroundWork(env.REDIS_URL, (error) => console.error(error));
const { key } = await issueApiKey({ db, redis, keys: intakeKeys(prefix) }, 'purchase-orders');

const children: ChildProcess[] = [];
const start = async (args: string[], cwd: string, childEnv: Record<string, string>, port: number) => {
  const child = spawn(process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', ...args], {
    cwd,
    env: { ...process.env, ...childEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${args.join(' ')} did not start`);
};

try {
  const [barePort, gatewayPort] = [await freePort(), await freePort()];
  await start(['tools/bench/src/bare-server.ts', String(barePort)], repoRoot, {}, barePort);
  await start(['src/main.ts'], `${repoRoot}/apps/gateway`, {
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
  await load(barePort, 3);
  await load(gatewayPort, 3);
  const bare: LoadResult[] = [];
  const gateway: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await load(barePort, SECONDS));
    gateway.push(await load(gatewayPort, SECONDS));
  }
  const best = (results: LoadResult[]) => results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
  const [b, g] = [best(bare), best(gateway)];
  const report = {
    payload: `5-line purchase order, ${Buffer.byteLength(bodyTemplate)} bytes`,
    connections: CONNECTIONS,
    secondsPerRound: SECONDS,
    rounds: { bare, gateway },
    bare: b,
    gateway: g,
    throughputRatio: Number((g.requestsPerSecond / b.requestsPerSecond).toFixed(2)),
    p99Ratio: Number((g.p99Ms / b.p99Ms).toFixed(2)),
  };
  console.log(JSON.stringify(report, null, 2));
  console.log(
    `\nintake: ${g.requestsPerSecond.toFixed(0)} accepted/s (p50 ${g.p50Ms} ms, p99 ${g.p99Ms} ms) vs bare Fastify ${b.requestsPerSecond.toFixed(0)}/s (p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms): ` +
      `${report.throughputRatio}x throughput, ${report.p99Ratio}x p99; non-2xx ${g.non2xx}`,
  );
  if (g.non2xx > 0 || g.socketErrors > 0) process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await db.destroy();
  await dropDatabase(dbUrl);
}
