import { createTestDatabase, type TestDatabase } from '@wmsi/db/testing';
import { testPrefix } from '@wmsi/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.js';

describe('a stack with two processes of one worker app', () => {
  let database: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    database = await createTestDatabase();
    stack = await startStack({
      databaseUrl: database.url,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      prefix: testPrefix(),
      apps: ['worker-items'],
      replicas: { 'worker-items': 2 },
      appEnv: { 'worker-items': { QUEUE_PARTITIONS: '2' } },
    });
  }, 90_000);
  afterAll(async () => {
    await stack?.stopAll();
    await database?.drop();
  });

  it('runs both, each with its own name, output and peak RSS, and restarts both after a crash', async () => {
    expect(stack.instances()).toEqual(['worker-items', 'worker-items#2']);
    const before = stack.pids();
    expect(new Set(Object.values(before)).size).toBe(2);
    expect(stack.output('worker-items', 2)).toContain('"partitions":2');

    await stack.crash('worker-items');
    const after = stack.pids();
    expect(Object.keys(after)).toEqual(['worker-items', 'worker-items#2']);
    for (const name of Object.keys(before)) expect(after[name]).not.toBe(before[name]);
    for (const mb of Object.values(stack.peakRssMb())) expect(mb).toBeGreaterThan(20);
    expect(await stack.stopAll()).toEqual({ 'worker-items': 0, 'worker-items#2': 0 });
  }, 90_000);
});
