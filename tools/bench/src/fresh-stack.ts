import { randomBytes } from 'node:crypto';
import { issueCredentials } from '@wmsi/acumatica-sim';
import type { Topic } from '@wmsi/contracts';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, migrateToLatest, type Database } from '@wmsi/db';
import { connectForBackgroundWork } from '@wmsi/queue';
import { deleteKeysWithPrefix } from '@wmsi/queue/testing';
import { createStack, type Stack } from '@wmsi/stack';
import type { BenchEnv } from './bench-run.js';
import { reasonOf, withDeadline } from './deadline.js';
import { postgresDeadlocks } from './time-spent.js';

/** A database, Redis prefix and stack of WMSi of their own, with the simulator's keys and token. */
export interface FreshStack {
  db: Database;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  stack: Stack;
  keys: Partial<Record<Topic, string>>;
  token: string;
}

/** What a fresh stack leaves to know once it stopped. */
export interface StackEnd {
  peakRssMb: Record<string, number>;
  /** Deadlocks PostgreSQL detected in the run's database (read once its backends ended). */
  postgresDeadlocks: number | null;
}

/**
 * Runs `work` against WMSi on a fresh database and key prefix with a stack of its own, so that
 * nothing of an earlier run (backlog, autovacuum, pairing timers, table bloat) weighs on it; then
 * stops the stack and removes the database and keys, whatever happened.
 */
export async function onFreshStack<T>(env: BenchEnv, work: (fresh: FreshStack) => Promise<T>): Promise<{ result: T; end: StackEnd }> {
  const runId = randomBytes(4).toString('hex');
  const url = databaseUrl(env.databaseUrl, `wmsi_bench_${runId}`);
  const prefix = `bench-${runId}`;
  await ensureDatabaseExists(url);
  const db = createDb(url);
  let stack: Stack | undefined;
  const tearDown = async (): Promise<StackEnd> => {
    let peakRssMb: Record<string, number> = {};
    if (stack !== undefined) {
      await withDeadline(stack.stopAll(), 60_000, 'stopping the stack').catch((error) => env.log(reasonOf(error)));
      peakRssMb = stack.peakRssMb();
    }
    const deadlocks = await postgresDeadlocks(db).catch(() => null);
    const redis = connectForBackgroundWork(env.redisUrl, () => undefined);
    await withDeadline(deleteKeysWithPrefix(redis, prefix), 60_000, 'deleting the keys of the run').catch((error) => env.log(reasonOf(error)));
    redis.disconnect();
    await db.destroy().catch(() => undefined);
    await withDeadline(dropDatabase(url), 60_000, 'dropping the database of the run').catch((error) => env.log(`could not drop ${url}: ${reasonOf(error)}`));
    return { peakRssMb, postgresDeadlocks: deadlocks };
  };
  let tornDown: Promise<StackEnd> | undefined;
  const once = () => (tornDown ??= tearDown());
  const forget = env.onInterrupt(once);
  try {
    await migrateToLatest(db);
    const credentials = await issueCredentials(db, env.redisUrl, prefix);
    stack = await createStack({ databaseUrl: url, redisUrl: env.redisUrl, prefix, env: { LOG_LEVEL: 'warn' }, nodeFlags: env.nodeFlags, replicas: env.replicas });
    await stack.startAll();
    const result = await work({ db, databaseUrl: url, redisUrl: env.redisUrl, prefix, stack, ...credentials });
    return { result, end: await once() };
  } finally {
    await once();
    forget();
  }
}
