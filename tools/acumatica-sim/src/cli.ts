/**
 * npm run sim -- [--rate 100] [--duration 30] [--split 0.2] [--duplicates 0.05] [--reorder 0.05]
 *                [--seed N] [--topics purchase-orders,stock-items] [--gateway URL] [--api URL]
 *
 * Plays Acumatica against a running WMSi (`npm start` in another terminal): pushes simulated
 * notifications to the gateway, waits until WMSi has applied everything, then checks PostgreSQL
 * and the client API against what the simulated ERP holds, and prints any difference.
 */
import { parseArgs } from 'node:util';
import { createWmsClient } from '@wmsi/client';
import { loadEnv } from '@wmsi/config';
import { isTopic, type Topic } from '@wmsi/contracts';
import { createDb } from '@wmsi/db';
import { revokeApiKey } from '@wmsi/intake';
import { connectForBackgroundWork, intakeKeys } from '@wmsi/queue';
import { revokeToken } from '@wmsi/trpc';
import { checkApi, checkDatabase, isClean, type CheckReport } from './check.js';
import { issueCredentials, waitUntilSettled } from './setup.js';
import { runSimulation } from './simulation.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '30' },
    split: { type: 'string', default: '0.2' },
    duplicates: { type: 'string', default: '0.05' },
    reorder: { type: 'string', default: '0.05' },
    seed: { type: 'string' },
    topics: { type: 'string' },
    gateway: { type: 'string' },
    api: { type: 'string' },
  },
});
const env = loadEnv();
const topics = values.topics?.split(',').map((topic) => topic.trim());
if (topics?.some((topic) => !isTopic(topic))) throw new Error(`--topics: one or more of the six topics, comma-separated`);
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number, got ${String(values[name])}`);
  return value;
};

const db = createDb(env.DATABASE_URL, { maxConnections: 2, applicationName: 'wmsi-sim' });
const credentials = await issueCredentials(db, env.REDIS_URL, env.REDIS_PREFIX);
const gatewayUrl = values.gateway ?? `http://127.0.0.1:${env.GATEWAY_PORT}`;
const apiUrl = values.api ?? `http://127.0.0.1:${env.API_PORT}`;
const seed = values.seed === undefined ? Date.now() % 1_000_000 : number('seed');
console.log(`acumatica-sim: ${values.rate}/s for ${values.duration} s into ${gatewayUrl} (seed ${seed})`);

try {
  const run = await runSimulation({
    gatewayUrl,
    keys: credentials.keys,
    headerName: env.WEBHOOK_AUTH_HEADER,
    rate: number('rate'),
    durationMs: number('duration') * 1000,
    seed,
    topics: topics as Topic[] | undefined,
    delivery: { split: number('split'), duplicates: number('duplicates'), reorder: number('reorder') },
    onSecond: (second) => {
      if (second % 5 === 0) console.log(`  ${second} s`);
    },
  });
  const refused = Object.entries(run.stats.refused).map(([status, count]) => `${count}x ${status}`).join(', ') || 'none';
  console.log(`sent ${run.transactions} notifications as ${run.stats.accepted} accepted requests (resent after: ${refused})`);
  console.log(`waiting for WMSi to apply everything (pairing windows end after PAIRING_WINDOW_MS=${env.PAIRING_WINDOW_MS})...`);
  await waitUntilSettled(env.REDIS_URL, env.REDIS_PREFIX, 120_000 + env.PAIRING_WINDOW_MS);
  const stored = await checkDatabase(db, run.oracle);
  const api = await checkApi(createWmsClient({ url: apiUrl, token: credentials.token }), run.oracle);
  const print = (what: string, report: CheckReport) => {
    console.log(`${what}: ${report.checked} records checked, ${report.lost.length} lost, ${report.wrong.length} wrong, ${report.appliedTwice.length} applied twice`);
    for (const line of [...report.lost.map((l) => `lost: ${l}`), ...report.wrong, ...report.appliedTwice].slice(0, 20)) console.log(`  ${line}`);
  };
  print('PostgreSQL', stored);
  print('client API (sample)', api);
  process.exitCode = isClean(stored) && isClean(api) ? 0 : 1;
} finally {
  // The simulator's keys and token are for this run only.
  const keys = await db.selectFrom('api_keys').select('id').where('label', '=', 'acumatica-sim').where('revoked_at', 'is', null).execute();
  const redis = connectForBackgroundWork(env.REDIS_URL, () => undefined);
  for (const { id } of keys) await revokeApiKey({ db, redis, keys: intakeKeys(env.REDIS_PREFIX) }, id);
  redis.disconnect();
  const tokens = await db.selectFrom('api_tokens').select('id').where('name', '=', 'acumatica-sim').where('revoked_at', 'is', null).execute();
  for (const { id } of tokens) await revokeToken(db, id);
  await db.destroy();
}
