import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stockItemBody } from '@wmsi/contracts/testing';
import { issueApiKey } from '@wmsi/intake';
import { createIntakeTestbed, type IntakeTestbed } from '@wmsi/intake/testing';
import { freePort } from '@wmsi/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the gateway process', () => {
  let bed: IntakeTestbed;
  let child: ChildProcess;
  let url: string;
  let output = '';
  beforeAll(async () => {
    bed = await createIntakeTestbed();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: appRoot,
      env: {
        ...process.env,
        DATABASE_URL: bed.databaseUrl,
        REDIS_URL: bed.redisUrl,
        REDIS_PREFIX: bed.prefix,
        GATEWAY_HOST: '127.0.0.1',
        GATEWAY_PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const alive = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
      if (alive) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gateway did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 30_000);
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
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
    expect(output).not.toMatch(/dispatcher/);
    const inFlight = Array.from({ length: 20 }, (_, i) => post(i + 1));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight.map((status) => status.catch(() => 'refused' as const)));

    expect(await exited, output).toBe(0);
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
