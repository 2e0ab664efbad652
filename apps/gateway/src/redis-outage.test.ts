import { purchaseOrderBody } from '@wmsi/contracts/testing';
import { startOwnRedisServer, type OwnRedisServer } from '@wmsi/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

describe('Redis outage while Acumatica keeps posting', () => {
  let redisServer: OwnRedisServer;
  let gateway: TestGateway;
  beforeAll(async () => {
    // AOF with fsync always: what the README recommends, so "stored" survives the restart below.
    redisServer = await startOwnRedisServer({ appendOnly: true });
    gateway = await startTestGateway({ redisUrl: redisServer.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await redisServer?.destroy();
  });

  it('never answers 2xx for what it did not store, and recovers by itself when Redis returns', async () => {
    const accepted: string[] = [];
    const statuses: number[] = [];
    let sent = 0;
    let posting = true;
    const poster = (async () => {
      while (posting) {
        const reply = await gateway.post('purchase-orders', purchaseOrderBody({ orderNbr: `OUT${sent++}` }));
        statuses.push(reply.statusCode);
        if (reply.statusCode === 202) accepted.push(reply.json().intakeId);
        else {
          expect(reply.statusCode).toBe(503);
          expect(reply.headers['retry-after']).toBeDefined();
        }
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 300));
    await redisServer.stop({ crash: true }); // SIGKILL: in-flight commands die with the server
    await new Promise((resolve) => setTimeout(resolve, 500));
    const refusedWhileDown = statuses.filter((status) => status === 503).length;
    const readiness = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(readiness.statusCode).toBe(503);
    expect(readiness.json()).toMatchObject({ status: 'not ready', postgres: 'ok' });
    expect(readiness.json().redis).toMatch(/unreachable/);
    await redisServer.start();

    // The gateway reconnects on its own; wait for 202s to come back.
    const deadline = Date.now() + 10_000;
    const acceptedBeforeRestart = accepted.length;
    while (accepted.length < acceptedBeforeRestart + 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    posting = false;
    await poster;

    expect(refusedWhileDown).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThanOrEqual(acceptedBeforeRestart + 20);
    // Every 202 is in Redis after the crash and restart, exactly once.
    const storedIds = new Set((await gateway.storedEntries()).map((entry) => entry.intakeId));
    expect(accepted.filter((id) => !storedIds.has(id))).toEqual([]);
    expect(new Set(accepted).size).toBe(accepted.length);
  });
});
