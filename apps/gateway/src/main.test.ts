import { stockItemBody } from '@wmsi/contracts/testing';
import { issueApiKey } from '@wmsi/intake';
import { createIntakeTestbed, type IntakeTestbed } from '@wmsi/intake/testing';
import { startApp, type RunningApp } from '@wmsi/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('the gateway process', () => {
  let bed: IntakeTestbed;
  let gateway: RunningApp & { url: string };
  let url: string;
  beforeAll(async () => {
    bed = await createIntakeTestbed();
    gateway = await startApp('gateway', {
      env: { DATABASE_URL: bed.databaseUrl, REDIS_URL: bed.redisUrl, REDIS_PREFIX: bed.prefix, LOG_LEVEL: 'info' },
      readyTimeoutMs: 20_000,
    });
    url = gateway.url;
  }, 30_000);
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await bed?.cleanup();
  });

  it('accepts webhooks, moves them to their queue, and on SIGTERM finishes the requests in flight and exits 0', async () => {
    const { key } = await issueApiKey(bed.stores, 'stock-items');
    const post = (i: number) =>
      fetch(`${url}/webhooks/acumatica/stock-items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: stockItemBody({ inventoryId: `SIG${i}` }),
      }).then((response) => response.status);

    expect(await post(0)).toBe(202);
    // The dispatcher thread moves it to the items queue.
    const deadline = Date.now() + 10_000;
    while ((await bed.queued('items')).length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await bed.queued('items')).toHaveLength(1);
    expect(gateway.output()).not.toMatch(/dispatcher/);
    const inFlight = Array.from({ length: 20 }, (_, i) => post(i + 1));
    const exited = gateway.stop('SIGTERM');
    const statuses = await Promise.all(inFlight.map((status) => status.catch(() => 'refused' as const)));

    const exitCode = await exited;
    const output = gateway.output();
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/SIGTERM: finishing in-flight requests/);
    expect(output).toMatch(/"msg":"stopped"/);
    expect(output).not.toMatch(/did not stop/);
    // A request is either answered 202 and stored, or refused (503 while closing, or no connection):
    // nothing in between.
    const acceptedCount = statuses.filter((status) => status === 202).length;
    expect(statuses.filter((status) => status !== 202 && status !== 503 && status !== 'refused')).toEqual([]);
    const queued = (await bed.queued('items')).length;
    const leftInIntake = await bed.redis.xlen(bed.keys.stream);
    expect(queued + leftInIntake).toBe(1 + acceptedCount);
  });
});
