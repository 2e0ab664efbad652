import type { Topic } from '@wmsi/contracts';
import { Pool } from 'undici';
import type { PlannedRequest } from './delivery.js';

export interface SenderOptions {
  gatewayUrl: string;
  /** The API key of each topic (the Header Value in SM302000). */
  keys: Partial<Record<Topic, string>>;
  headerName?: string;
  /** Resend after a non-202 or no answer, as Acumatica does, until this many attempts. */
  maxAttempts?: number;
  retryDelayMs?: number;
  /**
   * Keep-alive connections to the gateway (default 32). Requests beyond them wait their turn, as
   * they do in Acumatica's push-notification queue, instead of opening a socket each.
   */
  connections?: number;
  /** Called with each request's first 202 time (performance.now()). */
  onAccepted?: (request: PlannedRequest, atMs: number) => void;
  /** Stops sending and resending: requests not yet accepted are given up on. */
  signal?: AbortSignal;
}

export interface SenderStats {
  sent: number;
  accepted: number;
  /** Replies other than 202 (each answered by a resend), by status, or 'network' for no answer. */
  refused: Record<string, number>;
  /** Requests that never got a 202: notifications Acumatica would show on SM502000. */
  gaveUp: number;
}

/**
 * Posts requests to the gateway the way Acumatica does: concurrently, resending whatever did not
 * get a 202. `send` resolves when that request was accepted (or given up on).
 */
export function createSender(options: SenderOptions) {
  const { maxAttempts = 120, retryDelayMs = 500, headerName = 'X-Api-Key', connections = 32 } = options;
  // undici's own request API over a fixed pool: several times less CPU per request than fetch(),
  // which matters when the simulator shares two cores with the stack it drives.
  const gateway = new Pool(options.gatewayUrl, { connections, pipelining: 1 });
  const stats: SenderStats = { sent: 0, accepted: 0, refused: {}, gaveUp: 0 };
  const inFlight = new Set<Promise<void>>();
  // One listener ends every request at once. Handing the signal to each request instead put a
  // listener per request on it, and each addEventListener scans the ones already there: at
  // 1,000/s with tens of thousands queued, that scan was 59 % of this process's CPU, and the
  // simulator stopped sending for most of a minute.
  options.signal?.addEventListener('abort', () => void gateway.destroy().catch(() => undefined), { once: true });

  async function deliver(request: PlannedRequest): Promise<void> {
    const key = options.keys[request.transaction.topic];
    if (key === undefined) throw new Error(`No API key for ${request.transaction.topic}`);
    for (let attempt = 1; attempt <= maxAttempts && !options.signal?.aborted; attempt++) {
      stats.sent += 1;
      let status: string;
      try {
        const reply = await gateway.request({
          path: `/webhooks/acumatica/${request.transaction.topic}`,
          method: 'POST',
          headers: { 'content-type': 'application/json', [headerName]: key },
          body: request.body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await reply.body.dump();
        if (reply.statusCode === 202) {
          stats.accepted += 1;
          options.onAccepted?.(request, performance.now());
          return;
        }
        status = String(reply.statusCode);
      } catch {
        status = 'network';
      }
      stats.refused[status] = (stats.refused[status] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
    stats.gaveUp += 1;
  }

  async function drain(): Promise<void> {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  }

  return {
    stats,
    send(request: PlannedRequest): void {
      const sending = deliver(request).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    },
    /** Waits until every request made so far was accepted or given up on. */
    drain,
    /** Drains, then closes the connections. */
    async close(): Promise<void> {
      await drain();
      if (!gateway.destroyed) await gateway.close();
    },
    get inFlight() {
      return inFlight.size;
    },
  };
}
