import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { startRedisCluster, testPrefix, type OwnRedisCluster } from '@wmsi/queue/testing';
import { startStack, type Stack } from '@wmsi/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The key names carry Redis Cluster hash tags ({intake}, {pairing}, {stats}, a queue partition's
// name): the whole pipeline runs on a cluster of three masters, and loses nothing. The simulator
// runs as a user runs it (`npm run sim` with REDIS_URL=redis+cluster://...), in a process of its own,
// and exits 1 on any difference between the oracle and what PostgreSQL and the API hold.

const run = promisify(execFile);

describe('the pipeline on a Redis Cluster of 3 masters (loopback)', () => {
  const prefix = testPrefix();
  let cluster: OwnRedisCluster;
  let database: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    database = await createTestDatabase();
    stack = await startStack({ databaseUrl: database.url, redisUrl: cluster.url, prefix, env: { PAIRING_WINDOW_MS: '1000' } });
  }, 240_000);
  afterAll(async () => {
    await stack?.stopAll();
    await database?.drop();
    await cluster?.destroy();
  });

  it('applies a simulated stream of every topic exactly once, and serves it through the API', async () => {
    const args = ['--conditions=@wmsi/source', '--import', 'tsx', 'src/cli.ts', '--rate', '30', '--duration', '8', '--seed', '11'];
    args.push('--split', '0.3', '--duplicates', '0.1', '--reorder', '0.1', '--gateway', stack.gatewayUrl, '--api', stack.apiUrl);
    const env = { ...process.env, DATABASE_URL: database.url, REDIS_URL: cluster.url, REDIS_PREFIX: prefix, PAIRING_WINDOW_MS: '1000' };
    const { stdout } = await run(process.execPath, args, { env, timeout: 200_000 }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the simulator failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    const checked = (what: string) => {
      const line = new RegExp(`^${what}: (\\d+) records checked, (\\d+) lost, (\\d+) wrong, (\\d+) applied twice$`, 'm').exec(stdout);
      expect(line, stdout).not.toBeNull();
      const [, records, lost, wrong, twice] = (line as RegExpExecArray).map(Number);
      return { records, lost, wrong, twice };
    };
    const stored = checked('PostgreSQL');
    expect(stored.records).toBeGreaterThan(100);
    expect({ lost: stored.lost, wrong: stored.wrong, twice: stored.twice }).toEqual({ lost: 0, wrong: 0, twice: 0 });
    const api = checked('client API \\(sample\\)');
    expect(api.records).toBeGreaterThan(0);
    expect({ lost: api.lost, wrong: api.wrong }).toEqual({ lost: 0, wrong: 0 });
  }, 240_000);
});
