/**
 * Quick intake benchmark, the intake phase of `npm run bench` alone (see phases/intake.ts):
 * accepted notifications/s and ack latency of the real gateway against a bare Fastify route.
 *
 *   npm run intake -w @wmsi/bench [-- <seconds per round, default 10>] [--json <file>]
 *
 * Needs wrk (apt-get install wrk). With --json the result (or `{ "error": ... }`) is also written
 * to that file.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEnv } from '@wmsi/config';
import { reasonOf } from './deadline.js';
import { measureIntake } from './phases/intake.js';
import { WRK_MISSING, wrkIsInstalled } from './wrk.js';

const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
const seconds = Number(positionals[0] ?? 10);
const report = (result: object) => {
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
};

if (!(await wrkIsInstalled())) {
  console.error(`intake: ${WRK_MISSING} (brew install wrk on macOS)`);
  report({ error: WRK_MISSING });
  process.exit(1);
}

const env = loadEnv();
const cleanups = new Set<() => Promise<unknown>>();
// Ctrl-C: stop both servers and remove the database and keys of this run before leaving.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    report({ error: `intake bench stopped by ${signal}` });
    void Promise.all([...cleanups].map((cleanup) => cleanup())).finally(() => process.exit(128 + (signal === 'SIGTERM' ? 15 : 2)));
  });
}
try {
  const result = await measureIntake(
    {
      databaseUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
      log: (line) => console.error(line),
      onInterrupt: (cleanup) => (cleanups.add(cleanup), () => cleanups.delete(cleanup)),
      nodeFlags: [],
    },
    seconds,
  );
  if (values.json === undefined) console.log(JSON.stringify(result, null, 2));
  report(result);
  const { gateway: g, bare: b } = result;
  console.log(
    `intake: ${g.requestsPerSecond.toFixed(0)} accepted/s (p50 ${g.p50Ms} ms, p99 ${g.p99Ms} ms) vs bare Fastify ${b.requestsPerSecond.toFixed(0)}/s (p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms): ` +
      `${result.throughputRatio}x throughput, ${result.p99Ratio}x p99; non-2xx ${g.non2xx}`,
  );
  if (g.non2xx > 0 || g.socketErrors > 0) process.exitCode = 1;
} catch (error) {
  console.error(`intake: ${reasonOf(error)}`);
  report({ error: reasonOf(error) });
  process.exitCode = 1;
}
