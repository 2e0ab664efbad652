import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadEnv } from '@wmsi/config';
import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { connectForBackgroundWork } from '@wmsi/queue';
import { deleteKeysWithPrefix, freePort, testPrefix } from '@wmsi/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Runs `npm run wmsi -- <args>` as a user would, minus npm: the same node flags and entry point. */
async function wmsi(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', 'src/main.ts', ...args], {
      cwd: appRoot,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the wmsi command', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, REDIS_URL: loadEnv().REDIS_URL, REDIS_PREFIX: testPrefix(), PUBLIC_URL: 'https://wms.example.com' };
  });
  afterAll(async () => {
    const redis = connectForBackgroundWork(env.REDIS_URL as string, () => undefined);
    await deleteKeysWithPrefix(redis, env.REDIS_PREFIX as string);
    redis.disconnect();
    await database?.drop();
  });

  it('creates a key and prints one JSON object a deployment script can read', async () => {
    const result = await wmsi(['keys', 'create', 'inventory-adjustments', '--json'], env);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout);
    expect(created.url).toBe('https://wms.example.com/webhooks/acumatica/inventory-adjustments');
    expect(created.key).toMatch(/^ak_[0-9a-f]{10}\./);
  });

  it('says which server is unreachable, exits 1, and in --json mode prints the error as JSON', async () => {
    const port = await freePort();
    const result = await wmsi(['keys', 'create', 'stock-items', '--json'], { ...env, REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.message).toMatch(new RegExp(`Redis at redis://127.0.0.1:${port} is not reachable`));
  });

  it('names a bad variable in the environment before doing anything', async () => {
    const result = await wmsi(['keys', 'list'], { ...env, GATEWAY_PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/GATEWAY_PORT: /);
    expect(result.stderr).not.toMatch(/eighty/);
  });

  it("never prints a password from REDIS_URL, in text or in --json, when Redis is unreachable", async () => {
    const withPassword = { ...env, REDIS_URL: 'redis://:password@127.0.0.1:1' };
    const text = await wmsi(['keys', 'list'], withPassword);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 is not reachable/);
    const json = await wmsi(['keys', 'list', '--json'], withPassword);
    expect(json.code).toBe(1);
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) expect(output).not.toContain('password');
  });

  it('answers an unknown command with the usage and exit code 2', async () => {
    const result = await wmsi(['frobnicate'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: npm run wmsi -- <command>/);
  });
});
