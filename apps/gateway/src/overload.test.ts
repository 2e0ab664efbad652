import { stockItemBody } from '@wmsi/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

describe('an overloaded gateway', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ overload: { maxEventLoopDelayMs: 100, sampleIntervalMs: 100 } });
  });
  afterAll(async () => gateway?.close());

  it('answers 503 with Retry-After while its event loop lags, and stores nothing', async () => {
    const before = (await gateway.storedEntries()).length;
    // Something hogs the event loop in 150 ms slices for most of a second: every sample sees the lag.
    for (let slice = 0; slice < 6; slice++) {
      const until = Date.now() + 150;
      while (Date.now() < until) {
        /* busy */
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const reply = await gateway.post('stock-items', stockItemBody());
    expect(reply.statusCode).toBe(503);
    expect(reply.headers['retry-after']).toBe('5');
    expect((await gateway.storedEntries()).length).toBe(before);

    // Once the loop is responsive again, requests are accepted.
    let status = 503;
    for (const deadline = Date.now() + 5_000; status === 503 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await gateway.post('stock-items', stockItemBody())).statusCode;
    }
    expect(status, JSON.stringify((await gateway.post('stock-items', stockItemBody())).json())).toBe(202);
  });
});
