import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createIntakeTestbed, type IntakeTestbed } from '@wmsi/intake/testing';
import { startApp, type RunningApp } from '@wmsi/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;

/** Resident set and its high-water mark of a process, in kB (Linux /proc). */
function memoryOf(pid: number): { rssKb: number; peakKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}

/**
 * Posts `bytes` of a JSON-looking body, produced as it is sent (the test holds one 64 KiB chunk,
 * not the body), and keeps sending after the answer as an attacker would. Resolves with the status.
 */
function streamedPost(url: string, headers: Record<string, string>, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    const req = request(`${url}/webhooks/acumatica/stock-items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(bytes), ...headers },
    });
    req.on('response', (response) => {
      status = response.statusCode;
      response.resume();
      response.on('end', () => resolve(status!));
    });
    // The server may end the connection once it answered; the answer is what counts.
    req.on('error', (error) => (status === undefined ? reject(error) : resolve(status)));
    let sent = 0;
    const send = () => {
      while (sent < bytes) {
        const part = sent === 0 ? Buffer.from('{"Inserted":[') : chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', send);
      }
      req.end();
    };
    send();
  });
}

describe('a forged key costs the gateway a header read, not a body', () => {
  let bed: IntakeTestbed;
  let gateway: RunningApp & { url: string };
  beforeAll(async () => {
    bed = await createIntakeTestbed();
    gateway = await startApp('gateway', {
      env: { DATABASE_URL: bed.databaseUrl, REDIS_URL: bed.redisUrl, REDIS_PREFIX: bed.prefix, LOG_LEVEL: 'warn', AUTH_FAILURES_PER_MINUTE: '1000' },
      readyTimeoutMs: 60_000,
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await bed?.cleanup();
  });

  it('answers 8 concurrent 15 MiB posts with a forged key 401, its peak RSS growing by under 20 MB', async () => {
    const forged = { 'x-api-key': 'ak_0000000000.forged' };
    // Warm: the first requests, and the first concurrent ones, compile and allocate what every
    // later one reuses (small bodies: nothing here is about their size).
    for (let i = 0; i < 3; i++) expect(await streamedPost(gateway.url, forged, 64 * 1024)).toBe(401);
    await Promise.all(Array.from({ length: 8 }, () => streamedPost(gateway.url, forged, 256 * 1024)));

    // Linux: writing 5 to clear_refs resets the high-water mark to the current resident set, so the
    // peak afterwards is this attack's, not start-up's.
    writeFileSync(`/proc/${gateway.pid}/clear_refs`, '5');
    const before = memoryOf(gateway.pid);
    const statuses = await Promise.all(Array.from({ length: 8 }, () => streamedPost(gateway.url, forged, 15 * MiB)));
    const after = memoryOf(gateway.pid);

    expect(statuses).toEqual(Array(8).fill(401));
    const growthMb = (after.peakKb - before.peakKb) / 1024;
    console.info(`8 concurrent forged 15 MiB posts: peak RSS ${(before.peakKb / 1024).toFixed(1)} -> ${(after.peakKb / 1024).toFixed(1)} MB, growth ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(20);
    expect(await bed.redis.xlen(bed.keys.stream)).toBe(0);
  }, 120_000);
});
