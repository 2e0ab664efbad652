/**
 * npm run bench: the whole of WMSi measured in one run on this machine, written as a report
 * (markdown, JSON and an SVG chart of latency over time) under tools/bench/results/<time>/.
 *
 *   1. intake: the gateway against a bare Fastify JSON-POST route, same payload, same wrk load;
 *   2. end to end: a simulated Acumatica at a steady rate (default 1,000 notifications/s for 60 s,
 *      20 % split pairs, 5 % duplicates, 5 % late): 202 -> change event on `sync.changes`, and the
 *      oracle's check of PostgreSQL and the API (nothing lost, nothing applied twice);
 *   3. the highest rate the pipeline sustains without its queues growing;
 *   4. peak RSS of every process.
 *
 *   npm run bench [-- --rate 1000 --duration 60 --steps 1500,2000,2500 --step-duration 20 --intake-seconds 10]
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { checkApi, checkDatabase, issueCredentials, runSimulation, startStack, waitUntilSettled, type Stack } from '@wmsi/acumatica-sim';
import { createWmsClient } from '@wmsi/client';
import { loadEnv } from '@wmsi/config';
import type { Topic } from '@wmsi/contracts';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, migrateToLatest } from '@wmsi/db';
import { connectForBackgroundWork, DOMAIN_QUEUES, intakeKeys, queueName } from '@wmsi/queue';
import { deleteKeysWithPrefix } from '@wmsi/queue/testing';
import { Queue } from 'bullmq';
import { latencyChart } from './svg-chart.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '60' },
    steps: { type: 'string', default: '1250,1500,2000' },
    'step-duration': { type: 'string', default: '20' },
    'intake-seconds': { type: 'string', default: '10' },
  },
});
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const env = loadEnv();
const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
const round = (n: number) => Math.round(n * 10) / 10;
const log = (line: string) => console.log(`bench: ${line}`);

/** 1. The intake bench (its own script: it starts its own gateway and bare route). */
async function measureIntake(): Promise<unknown> {
  log('intake: gateway vs bare Fastify with wrk...');
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', 'tools/bench/src/intake.ts', values['intake-seconds']!], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; message: string }) => ({ stdout: error.stdout ?? '', failure: error.message }));
  const json = stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('\nintake:'));
  try {
    return JSON.parse(json);
  } catch {
    return { error: `intake bench printed no report (is wrk installed? apt-get install wrk): ${stdout.slice(-500)}` };
  }
}

/** How many notifications wait anywhere in the pipeline: the intake stream and every domain queue. */
function backlogReader(prefix: string) {
  const redis = connectForBackgroundWork(env.REDIS_URL, () => undefined);
  const queues = DOMAIN_QUEUES.map((domain) => new Queue(queueName(domain), { connection: redis, prefix }));
  return {
    async read(): Promise<number> {
      const intake = await redis.xlen(intakeKeys(prefix).stream);
      const waiting = await Promise.all(queues.map((queue) => queue.getWaitingCount()));
      return intake + waiting.reduce((a, b) => a + b, 0);
    },
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
      redis.disconnect();
    },
  };
}

/** 2. and 3.: a steady simulated stream, its latency to the change stream, and its backlog. */
async function stream(stack: Stack, keys: Partial<Record<Topic, string>>, token: string, prefix: string, rate: number, seconds: number) {
  const acknowledged = new Map<string, number>();
  const latencies: Array<{ second: number; ms: number }> = [];
  const began = performance.now();
  const client = createWmsClient({ url: stack.apiUrl, token });
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const subscription = client.sync.changes.subscribe({}, {
    onStarted: () => started(),
    onData: ({ data }) => {
      // Removals come when a window ends: excluded, as the target says (parked lone Deleted rows).
      if (data.kind === 'removal') return;
      const at = acknowledged.get(`${data.topic}|${data.sourceTimestamp}`);
      if (at !== undefined) latencies.push({ second: Math.floor((at - began) / 1000), ms: performance.now() - at });
    },
  });
  await ready;
  const backlog = backlogReader(prefix);
  const backlogs: number[] = [];
  const run = await runSimulation({
    gatewayUrl: stack.gatewayUrl,
    keys,
    rate,
    durationMs: seconds * 1000,
    delivery: { split: 0.2, duplicates: 0.05, reorder: 0.05 },
    onAccepted: (request, at) => {
      const key = `${request.transaction.topic}|${request.transaction.timeStamp}`;
      if (request.carriesInserted && !acknowledged.has(key)) acknowledged.set(key, at);
    },
    onSecond: async () => {
      backlogs.push(await backlog.read());
    },
  });
  const drainStarted = performance.now();
  await waitUntilSettled(env.REDIS_URL, prefix, 300_000);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500));
  subscription.unsubscribe();
  await backlog.close();
  const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
  const perSecond = new Map<number, number[]>();
  for (const { second, ms } of latencies) perSecond.set(second, [...(perSecond.get(second) ?? []), ms]);
  const timeline = [...perSecond]
    .sort(([a], [b]) => a - b)
    .map(([second, list]) => {
      const s = list.sort((a, b) => a - b);
      return { second, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), events: s.length };
    });
  const third = Math.max(1, Math.floor(backlogs.length / 3));
  const average = (list: number[]) => list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);
  return {
    run,
    rate,
    seconds,
    achievedRate: round(run.transactions / run.seconds),
    events: latencies.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
    timeline,
    backlogFirstThird: Math.round(average(backlogs.slice(0, third))),
    backlogLastThird: Math.round(average(backlogs.slice(-third))),
    drainSeconds: round(drainSeconds),
  };
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const folder = `${repoRoot}/tools/bench/results/${stamp}`;
mkdirSync(folder, { recursive: true });
const intake = await measureIntake();

const runId = randomBytes(4).toString('hex');
const dbUrl = databaseUrl(env.DATABASE_URL, `wmsi_bench_${runId}`);
const prefix = `bench-${runId}`;
await ensureDatabaseExists(dbUrl);
const db = createDb(dbUrl);
await migrateToLatest(db);
let stack: Stack | undefined;
try {
  const { keys, token } = await issueCredentials(db, env.REDIS_URL, prefix);
  stack = await startStack({ databaseUrl: dbUrl, redisUrl: env.REDIS_URL, prefix, env: { LOG_LEVEL: 'warn' } });
  const rate = Number(values.rate);
  log(`end to end: ${rate}/s for ${values.duration} s...`);
  const steady = await stream(stack, keys, token, prefix, rate, Number(values.duration));
  const stored = await checkDatabase(db, steady.run.oracle);
  const api = await checkApi(createWmsClient({ url: stack.apiUrl, token }), steady.run.oracle);
  // Kept at once: the steps below push the machine to its limit and may not come back.
  writeFileSync(`${folder}/end-to-end.json`, `${JSON.stringify({ intake, p50Ms: steady.p50Ms, p99Ms: steady.p99Ms, maxMs: steady.maxMs, achievedRate: steady.achievedRate, events: steady.events, drainSeconds: steady.drainSeconds, oracle: { checked: stored.checked, lost: stored.lost.length, wrong: stored.wrong.length, twice: stored.appliedTwice.length }, peakRssMb: stack.peakRssMb() }, null, 2)}\n`);
  log(`end to end: p50 ${steady.p50Ms} ms, p99 ${steady.p99Ms} ms at ${steady.achievedRate}/s; oracle ${stored.lost.length} lost, ${stored.wrong.length} wrong, ${stored.appliedTwice.length} twice`);

  const steps = [];
  for (const stepRate of values.steps!.split(',').map(Number)) {
    log(`sustained rate: ${stepRate}/s for ${values['step-duration']} s...`);
    const step = await stream(stack, keys, token, prefix, stepRate, Number(values['step-duration']));
    // Sustained: it kept up (achieved the rate), its backlog did not build up over the run, and
    // what was left drained within a few seconds.
    const sustained = step.achievedRate >= stepRate * 0.95 && step.backlogLastThird <= Math.max(stepRate, step.backlogFirstThird * 1.5) && step.drainSeconds < 10;
    steps.push({ rate: stepRate, achievedRate: step.achievedRate, p50Ms: step.p50Ms, p99Ms: step.p99Ms, backlogFirstThird: step.backlogFirstThird, backlogLastThird: step.backlogLastThird, drainSeconds: step.drainSeconds, sustained });
    if (!sustained) break;
  }
  const rss = stack.peakRssMb();
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    intake,
    endToEnd: {
      rate: steady.rate,
      seconds: steady.seconds,
      achievedRate: steady.achievedRate,
      notifications: steady.run.transactions,
      requests: steady.run.stats.accepted,
      resent: steady.run.stats.refused,
      events: steady.events,
      p50Ms: steady.p50Ms,
      p99Ms: steady.p99Ms,
      maxMs: steady.maxMs,
      drainSeconds: steady.drainSeconds,
      oracle: { checked: stored.checked, lost: stored.lost.length, wrong: stored.wrong.length, appliedTwice: stored.appliedTwice.length, apiChecked: api.checked, apiLost: api.lost.length, apiWrong: api.wrong.length },
      differences: [...stored.lost, ...stored.wrong, ...stored.appliedTwice, ...api.lost, ...api.wrong].slice(0, 20),
    },
    sustainedRates: steps,
    highestSustainedRate: Math.max(0, ...steps.filter((s) => s.sustained).map((s) => s.rate), steady.backlogLastThird <= Math.max(rate, steady.backlogFirstThird * 1.5) ? rate : 0),
    peakRssMb: rss,
  };
  writeFileSync(`${folder}/report.json`, `${JSON.stringify({ ...report, timeline: steady.timeline }, null, 2)}\n`);
  writeFileSync(`${folder}/latency.svg`, latencyChart(steady.timeline, `202 -> sync.changes event at ${rate}/s (p50, p99 per second)`));
  writeFileSync(`${folder}/report.md`, markdown(report));
  console.log(markdown(report));
  log(`written to ${folder}`);
} finally {
  await stack?.stopAll();
  const redis = connectForBackgroundWork(env.REDIS_URL, () => undefined);
  await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
  redis.disconnect();
  await db.destroy();
  await dropDatabase(dbUrl).catch(() => undefined);
}

function markdown(report: Record<string, any>): string {
  const intake = report.intake as Record<string, any>;
  const e2e = report.endToEnd;
  const lines = [
    `# WMSi benchmark, ${report.date}`,
    '',
    `${report.machine.cpus} CPUs (${report.machine.cpu}), Node ${report.machine.node}; every app its own process, from source.`,
    '',
    '## Intake (wrk, 32 connections, 5-line POs)',
    '',
    intake.error
      ? `Not measured: ${intake.error}`
      : [
          '| | accepted/s | p50 | p99 |',
          '|---|---:|---:|---:|',
          `| bare Fastify route | ${Math.round(intake.bare.requestsPerSecond)} | ${intake.bare.p50Ms} ms | ${intake.bare.p99Ms} ms |`,
          `| gateway | ${Math.round(intake.gateway.requestsPerSecond)} | ${intake.gateway.p50Ms} ms | ${intake.gateway.p99Ms} ms |`,
          '',
          `Throughput ${intake.throughputRatio}x the bare route (target >= 0.7), p99 ${intake.p99Ratio}x (target <= 2).`,
        ].join('\n'),
    '',
    `## End to end: ${e2e.rate} notifications/s for ${e2e.seconds} s (20 % split, 5 % duplicates, 5 % late)`,
    '',
    `Achieved ${e2e.achievedRate}/s: ${e2e.notifications} notifications in ${e2e.requests} accepted requests; ${e2e.events} change events.`,
    `202 -> change event on sync.changes (removals excluded): p50 ${e2e.p50Ms} ms, p99 ${e2e.p99Ms} ms, max ${e2e.maxMs} ms (target p99 < 250 ms).`,
    `Oracle: ${e2e.oracle.checked} records checked in PostgreSQL: ${e2e.oracle.lost} lost, ${e2e.oracle.wrong} wrong, ${e2e.oracle.appliedTwice} applied twice; ${e2e.oracle.apiChecked} documents through the API: ${e2e.oracle.apiLost} lost, ${e2e.oracle.apiWrong} wrong.`,
    `Backlog drained ${e2e.drainSeconds} s after the last request.`,
    '',
    '![latency over time](latency.svg)',
    '',
    '## Highest sustained rate',
    '',
    '| rate/s | achieved/s | p50 | p99 | backlog first third | backlog last third | drain | sustained |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    ...report.sustainedRates.map((s: any) => `| ${s.rate} | ${s.achievedRate} | ${s.p50Ms} ms | ${s.p99Ms} ms | ${s.backlogFirstThird} | ${s.backlogLastThird} | ${s.drainSeconds} s | ${s.sustained ? 'yes' : 'no'} |`),
    '',
    `Highest sustained: ${report.highestSustainedRate} notifications/s (target >= 2,000).`,
    '',
    '## Peak memory (VmHWM)',
    '',
    '| process | peak RSS |',
    '|---|---:|',
    ...Object.entries(report.peakRssMb).map(([app, mb]) => `| ${app} | ${mb} MB |`),
    '',
    'Targets: gateway <= 150 MB, each worker <= 200 MB.',
    '',
  ];
  return lines.join('\n');
}
