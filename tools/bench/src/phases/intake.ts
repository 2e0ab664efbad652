import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { purchaseOrderBody } from '@wmsi/contracts/testing';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, migrateToLatest } from '@wmsi/db';
import { issueApiKey } from '@wmsi/intake';
import { connectForBackgroundWork, intakeKeys } from '@wmsi/queue';
import { deleteKeysWithPrefix, freePort } from '@wmsi/queue/testing';
import { startApp, startProcess, type RunningProcess } from '@wmsi/stack';
import type { BenchEnv, BenchRun } from '../bench-run.js';
import { reasonOf } from '../deadline.js';
import { gapSection, ms, num, type Verdict } from '../markdown-format.js';
import { measured, type BenchReport, type IntakeResult } from '../report-model.js';
import { TARGETS } from '../targets.js';
import { postWithWrk, WRK_MISSING, wrkIsInstalled, type LoadResult } from '../wrk.js';

const CONNECTIONS = 32;
const ROUNDS = 2;
const WARM_UP_SECONDS = 3;
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/** Two 3 s warm-ups and two rounds of `seconds` against each server, plus starting and cleaning up. */
const deadlineMs = (seconds: number) => (2 * WARM_UP_SECONDS + 2 * ROUNDS * seconds + 150) * 1000;

/** The intake phase of `npm run bench`: needs wrk, and says so when it is missing. */
export async function runIntakePhase(run: BenchRun): Promise<void> {
  if (!run.wanted('intake')) return;
  const seconds = run.options.intakeSeconds;
  run.running('intake: gateway vs bare Fastify with wrk');
  run.report.intake = (await wrkIsInstalled()) ? await run.attempt('intake', deadlineMs(seconds), () => measureIntake(run, seconds)) : { error: WRK_MISSING };
  run.save();
}

/**
 * Accepted notifications/s and ack latency of the real gateway (auth, exact parse, validation,
 * durable XADD, with its dispatcher running), from its bundle as `npm start` runs it, against a bare
 * Fastify JSON-POST route: same payload shape, same load generator (wrk), same machine, one run.
 */
export async function measureIntake(env: BenchEnv, seconds: number): Promise<IntakeResult> {
  const run = randomBytes(4).toString('hex');
  const url = databaseUrl(env.databaseUrl, `wmsi_bench_${run}`);
  const prefix = `bench-${run}`;
  await ensureDatabaseExists(url);
  const db = createDb(url);
  const redis = connectForBackgroundWork(env.redisUrl, (error) => env.log(`intake: Redis: ${reasonOf(error)}`));
  const servers: RunningProcess[] = [];
  const cleanUp = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
    await db.destroy().catch(() => undefined);
    await dropDatabase(url).catch((error) => env.log(`intake: could not drop ${url}: ${reasonOf(error)}`));
  };
  let cleaning: Promise<void> | undefined;
  const once = () => (cleaning ??= cleanUp());
  const forget = env.onInterrupt(once);
  try {
    await migrateToLatest(db);
    const { key } = await issueApiKey({ db, redis, keys: intakeKeys(prefix) }, 'purchase-orders');
    const barePort = await freePort();
    servers.push(
      await startProcess({
        name: 'bare Fastify route',
        args: ['--conditions=@wmsi/source', '--import', 'tsx', 'tools/bench/src/bare-server.ts', String(barePort)],
        cwd: repoRoot,
        env: process.env,
        ready: { url: `http://127.0.0.1:${barePort}/healthz` },
      }),
    );
    const gateway = await startApp('gateway', { env: { DATABASE_URL: url, REDIS_URL: env.redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'error' }, nodeFlags: env.nodeFlags });
    servers.push(gateway);

    const bodyTemplate = purchaseOrderBody({ orderNbr: 'PO__N__', id: 'notification-__N__', lines: 5 });
    const load = (target: string, roundSeconds: number) =>
      postWithWrk({
        url: `${target}/webhooks/acumatica/purchase-orders`,
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': key },
        bodyTemplate,
        connections: CONNECTIONS,
        seconds: roundSeconds,
      });
    const bareUrl = `http://127.0.0.1:${barePort}`;
    // Warm both up (JIT, connection pools), then alternate so drift on this noisy machine hits both.
    await load(bareUrl, WARM_UP_SECONDS);
    await load(gateway.url, WARM_UP_SECONDS);
    const bare: LoadResult[] = [];
    const gatewayRounds: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await load(bareUrl, seconds));
      gatewayRounds.push(await load(gateway.url, seconds));
    }
    const best = (results: LoadResult[]) => results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
    const [b, g] = [best(bare), best(gatewayRounds)];
    return {
      payload: `5-line purchase order, ${Buffer.byteLength(bodyTemplate)} bytes`,
      loadGenerator: 'wrk',
      connections: CONNECTIONS,
      secondsPerRound: seconds,
      rounds: { bare, gateway: gatewayRounds },
      bare: b,
      gateway: g,
      throughputRatio: Number((g.requestsPerSecond / b.requestsPerSecond).toFixed(2)),
      p99Ratio: Number((g.p99Ms / b.p99Ms).toFixed(2)),
      gatewayPeakRssMb: Math.round(gateway.peakRssMb()),
    };
  } finally {
    await once();
    forget();
  }
}

/** The headline rows of the intake targets. */
export function intakeTargets(report: BenchReport): Array<[string, Verdict]> | undefined {
  const intake = report.intake;
  if (!measured(intake)) return undefined;
  return [
    [`${intake.throughputRatio}x: ${num(intake.gateway.requestsPerSecond, 0)} vs ${num(intake.bare.requestsPerSecond, 0)} accepted/s`, intake.throughputRatio >= TARGETS.intakeThroughputRatio ? 'met' : 'missed'],
    [`${intake.p99Ratio}x: ${ms(intake.gateway.p99Ms)} vs ${ms(intake.bare.p99Ms)} (gateway p50 ${ms(intake.gateway.p50Ms)})`, intake.p99Ratio <= TARGETS.intakeP99Ratio ? 'met' : 'missed'],
  ];
}

export function intakeSection(report: BenchReport): string[] {
  const intake = report.intake;
  const title = `## Intake (wrk, ${CONNECTIONS} connections, 5-line purchase orders)`;
  if (!measured(intake)) return gapSection(title, intake, report.status);
  const row = (name: string, r: LoadResult) => `| ${name} | ${num(r.requestsPerSecond, 0)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${num(r.non2xx, 0)} | ${num(r.socketErrors, 0)} |`;
  const lines = [
    title,
    '',
    '| | accepted/s | p50 | p99 | non-2xx | socket errors |',
    '|---|---:|---:|---:|---:|---:|',
    row('bare Fastify route', intake.bare),
    row('gateway', intake.gateway),
    '',
    `${intake.payload}; best of ${intake.rounds.gateway.length} rounds of ${intake.secondsPerRound} s each, alternating. ` +
      `Throughput ${intake.throughputRatio}x the bare route (target >= ${TARGETS.intakeThroughputRatio}), p99 ${intake.p99Ratio}x (target <= ${TARGETS.intakeP99Ratio}). ` +
      `The gateway peaked at ${num(intake.gatewayPeakRssMb, 0)} MB under wrk (not a memory target: wrk drives it far beyond the pipeline's rates).`,
  ];
  if (intake.gateway.non2xx > 0 || intake.gateway.socketErrors > 0) lines.push('', `**The gateway answered ${intake.gateway.non2xx} requests with other than 2xx and had ${intake.gateway.socketErrors} socket errors.**`);
  return [...lines, ''];
}
