import type { Topic } from '@wmsi/contracts';
import { DEFAULT_DELIVERY, planDelivery, type DeliveryOptions, type PlannedRequest } from './delivery.js';
import { createErp } from './erp.js';
import { seededRandom } from './random.js';
import { createSender, type SenderOptions } from './sender.js';

export interface SimulationOptions extends SenderOptions {
  /** Notifications (ERP transactions) per second. */
  rate: number;
  durationMs: number;
  seed?: number;
  delivery?: Partial<DeliveryOptions>;
  topics?: readonly Topic[];
  /** Called once per second with the run's progress (for live output or fault injection). */
  onSecond?: (second: number) => void | Promise<void>;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Drives the gateway with a simulated Acumatica for `durationMs`: transactions at `rate`, each
 * delivered as planned (split, duplicated, late), every request resent until accepted. Resolves
 * once every request was accepted, with the oracle of the state WMSi must reach. When `signal`
 * aborts (a benchmark out of time), it stops at once: nothing is sent or resent any more.
 */
export async function runSimulation(options: SimulationOptions) {
  const random = seededRandom(options.seed ?? Date.now());
  const erp = createErp(random, { topics: options.topics });
  const delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
  const sender = createSender(options);
  const timers = new Set<NodeJS.Timeout>();
  const schedule = (request: PlannedRequest) => {
    if (request.delayMs === 0) return sender.send(request);
    const timer = setTimeout(() => {
      timers.delete(timer);
      sender.send(request);
    }, request.delayMs);
    timers.add(timer);
  };

  const began = performance.now();
  let made = 0;
  let second = 0;
  const { signal } = options;
  while (performance.now() - began < options.durationMs && !signal?.aborted) {
    const due = Math.floor(((performance.now() - began) / 1000) * options.rate);
    // Bursts happen by themselves: a late tick makes up for the transactions it owes at once.
    for (; made < due; made++) for (const request of planDelivery(random, erp.next(), delivery)) schedule(request);
    // Every second gets its call, even those that went by while an earlier call was busy.
    const elapsedSeconds = Math.floor((performance.now() - began) / 1000);
    while (second < elapsedSeconds) await options.onSecond?.(++second);
    await pause(5, signal);
  }
  // The seconds that went by during the last calls get theirs too (a fault test's faults are due
  // at fixed seconds, and restarting an app on a busy machine can take longer than the run).
  const seconds = Math.floor(options.durationMs / 1000);
  while (second < seconds && !signal?.aborted) await options.onSecond?.(++second);
  while (timers.size > 0 && !signal?.aborted) await pause(50, signal);
  for (const timer of timers) clearTimeout(timer);
  await sender.close();
  return { oracle: erp.oracle, stats: sender.stats, transactions: made, seconds: (performance.now() - began) / 1000 };
}
