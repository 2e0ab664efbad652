import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlannedRequest } from './delivery.js';
import { createSender } from './sender.js';

/** A gateway that reads every request and never answers: everything sent stays in flight. */
async function silentGateway(): Promise<{ url: string; server: Server }> {
  const server = createServer((request) => request.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function plannedRequest(n: number): PlannedRequest {
  return { transaction: { topic: 'stock-items', id: `T${n}` }, body: `{"n":${n}}`, delayMs: 0, carriesInserted: true } as unknown as PlannedRequest;
}

describe('the simulator’s sender', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const closing = server;
    if (closing === undefined) return;
    closing.closeAllConnections();
    await new Promise((resolve) => closing.close(resolve));
  });

  it('keeps one abort listener however many requests wait, and gives them all up at once when aborted', async () => {
    const gateway = await silentGateway();
    server = gateway.server;
    const sending = new AbortController();
    const sender = createSender({ gatewayUrl: gateway.url, keys: { 'stock-items': 'key' }, connections: 4, signal: sending.signal });

    for (let n = 0; n < 5_000; n++) sender.send(plannedRequest(n));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A listener per request made every addEventListener scan thousands: the simulator stalled at 1,000/s.
    expect(getEventListeners(sending.signal, 'abort').length).toBeLessThanOrEqual(1);
    expect(sender.inFlight).toBe(5_000);

    sending.abort();
    await sender.close();
    expect(sender.stats).toMatchObject({ accepted: 0, gaveUp: 5_000 });
  });
});
