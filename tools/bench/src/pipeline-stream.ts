import { runSimulation, waitUntilSettled, type Oracle, type Stack } from '@wmsi/acumatica-sim';
import { createWmsClient } from '@wmsi/client';
import type { Topic } from '@wmsi/contracts';
import { connectForBackgroundWork, DOMAIN_QUEUES, intakeKeys, queueName } from '@wmsi/queue';
import { Queue } from 'bullmq';
import { reasonOf, withDeadline } from './deadline.js';

export interface TimelinePoint {
  /** Seconds into the run (by the time of the 202). */
  second: number;
  p50: number;
  p99: number;
  events: number;
  /** Notifications waiting anywhere in the pipeline at the end of that second, if read. */
  backlog?: number;
}

/** One steady stream through the whole pipeline, as measured (everything here is JSON). */
export interface StreamSummary {
  rate: number;
  seconds: number;
  /** Notifications the gateway acknowledged while the simulator was sending, per second of sending. */
  achievedRate: number;
  notifications: number;
  requests: number;
  /** Replies other than 202, by status ('network' for no answer): each was resent. */
  resent: Record<string, number>;
  gaveUp: number;
  /** Seconds from the first request to the last 202 (late and duplicate deliveries included). */
  sendingSeconds: number;
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  backlogFirstThird: number;
  backlogLastThird: number;
  /** Seconds from the last 202 until nothing was left to do, or null when it did not settle in time. */
  drainSeconds: number | null;
  settleError?: string;
  subscriptionError?: string;
  timeline: TimelinePoint[];
}

export interface StreamOptions {
  stack: Stack;
  keys: Partial<Record<Topic, string>>;
  token: string;
  redisUrl: string;
  prefix: string;
  rate: number;
  seconds: number;
  /** The whole stream (subscribe, send, drain) must be over by then; the drain gets what is left. */
  deadlineMs: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
const round = (n: number) => Math.round(n * 10) / 10;
const average = (list: number[]) => list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);

/** How many notifications wait anywhere in the pipeline: the intake stream and every domain queue. */
function backlogReader(redisUrl: string, prefix: string) {
  const redis = connectForBackgroundWork(redisUrl, () => undefined);
  const queues = DOMAIN_QUEUES.map((domain) => new Queue(queueName(domain), { connection: redis, prefix }));
  let closed = false;
  return {
    async read(): Promise<number | undefined> {
      if (closed) return undefined;
      const intake = await redis.xlen(intakeKeys(prefix).stream);
      const waiting = await Promise.all(queues.map((queue) => queue.getWaitingCount()));
      return intake + waiting.reduce((a, b) => a + b, 0);
    },
    async close() {
      closed = true;
      await Promise.all(queues.map((queue) => queue.close()));
      redis.disconnect();
    },
  };
}

/**
 * A steady simulated stream (20 % split, 5 % duplicates, 5 % late), its latency from the 202 to
 * the change event on `sync.changes`, and the pipeline's backlog second by second. Throws a
 * DeadlineError when the subscription or the sending does not finish in time; a drain that does
 * not finish in time is reported in the result (drainSeconds null, settleError).
 */
export async function runStream(options: StreamOptions): Promise<{ summary: StreamSummary; oracle: Oracle }> {
  const { stack, rate, seconds } = options;
  const deadline = Date.now() + options.deadlineMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());
  const acknowledged = new Map<string, number>();
  const acceptedInWindow = new Set<string>();
  const latencies: Array<{ second: number; ms: number }> = [];
  let began = performance.now();
  let subscriptionError: string | undefined;
  const client = createWmsClient({ url: stack.apiUrl, token: options.token });
  let started!: () => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((started = resolve), (failed = reject)));
  const subscription = client.sync.changes.subscribe({}, {
    onStarted: () => started(),
    onError: (error) => {
      subscriptionError = reasonOf(error);
      failed(error);
    },
    onData: ({ data }) => {
      // Removals come when a window ends: excluded, as the target says (parked lone Deleted rows).
      if (data.kind === 'removal') return;
      const at = acknowledged.get(`${data.topic}|${data.sourceTimestamp}`);
      if (at !== undefined) latencies.push({ second: Math.floor((at - began) / 1000), ms: performance.now() - at });
    },
  });
  const backlog = backlogReader(options.redisUrl, options.prefix);
  try {
    // Not a DeadlineError: a subscription that does not start says nothing about the rate.
    await withDeadline(ready, Math.min(30_000, remaining()), 'starting the sync.changes subscription').catch((error: unknown) => {
      throw new Error(reasonOf(error));
    });
    const backlogs: number[] = [];
    began = performance.now();
    const windowEnd = began + seconds * 1000;
    let lastAccepted = began;
    const run = await withDeadline(
      runSimulation({
        gatewayUrl: stack.gatewayUrl,
        keys: options.keys,
        rate,
        durationMs: seconds * 1000,
        delivery: { split: 0.2, duplicates: 0.05, reorder: 0.05 },
        onAccepted: (request, at) => {
          lastAccepted = Math.max(lastAccepted, at);
          if (at <= windowEnd) acceptedInWindow.add(request.transaction.id);
          const key = `${request.transaction.topic}|${request.transaction.timeStamp}`;
          if (request.carriesInserted && !acknowledged.has(key)) acknowledged.set(key, at);
        },
        onSecond: async () => {
          const waiting = await backlog.read().catch(() => undefined);
          if (waiting !== undefined) backlogs.push(waiting);
        },
      }),
      remaining(),
      `sending ${rate}/s for ${seconds} s (every request accepted)`,
    );
    const drainStarted = performance.now();
    let drainSeconds: number | null = null;
    let settleError: string | undefined;
    try {
      const budget = remaining();
      await withDeadline(waitUntilSettled(options.redisUrl, options.prefix, budget), budget + 5_000, 'the drain');
      drainSeconds = round((performance.now() - drainStarted) / 1000);
    } catch (error) {
      settleError = reasonOf(error);
    }
    // The last events of the drain are still on their way to the subscriber.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
    const perSecond = new Map<number, number[]>();
    for (const { second, ms } of latencies) {
      const list = perSecond.get(second);
      if (list === undefined) perSecond.set(second, [ms]);
      else list.push(ms);
    }
    const timeline = [...perSecond]
      .sort(([a], [b]) => a - b)
      .map(([second, list]): TimelinePoint => {
        const s = list.sort((a, b) => a - b);
        // onSecond(n) reads the backlog at the end of second n - 1 (counted from 0).
        return { second, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), events: s.length, ...(backlogs[second] !== undefined ? { backlog: backlogs[second] } : {}) };
      });
    const third = Math.max(1, Math.floor(backlogs.length / 3));
    const summary: StreamSummary = {
      rate,
      seconds,
      // Not run.transactions / run.seconds: run.seconds includes the late and duplicate deliveries
      // (up to ~10 s after the last transaction), which would fail every short run.
      achievedRate: round(acceptedInWindow.size / seconds),
      notifications: run.transactions,
      requests: run.stats.accepted,
      resent: run.stats.refused,
      gaveUp: run.stats.gaveUp,
      sendingSeconds: round((lastAccepted - began) / 1000),
      events: latencies.length,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted[sorted.length - 1] ?? NaN),
      backlogFirstThird: Math.round(average(backlogs.slice(0, third))),
      backlogLastThird: Math.round(average(backlogs.slice(-third))),
      drainSeconds,
      ...(settleError !== undefined ? { settleError } : {}),
      ...(subscriptionError !== undefined ? { subscriptionError } : {}),
      timeline,
    };
    return { summary, oracle: run.oracle };
  } finally {
    subscription.unsubscribe();
    await backlog.close().catch(() => undefined);
  }
}

/**
 * Whether a stream was sustained: it kept up (the gateway acknowledged >= 95 % of the rate while
 * sending), its backlog did not build up over the run, and what was left drained within 10 s.
 */
export function sustainedVerdict(s: StreamSummary): { sustained: boolean; reason?: string } {
  const reasons: string[] = [];
  if (!(s.achievedRate >= s.rate * 0.95)) reasons.push(`achieved ${s.achievedRate}/s, under 95 % of ${s.rate}/s`);
  const limit = Math.max(s.rate, s.backlogFirstThird * 1.5);
  if (s.backlogLastThird > limit) reasons.push(`backlog grew: ${s.backlogLastThird} in the last third, above ${Math.round(limit)}`);
  if (s.drainSeconds === null) reasons.push(`did not settle: ${s.settleError ?? 'unknown'}`);
  else if (s.drainSeconds >= 10) reasons.push(`took ${s.drainSeconds} s to drain (limit 10 s)`);
  return reasons.length === 0 ? { sustained: true } : { sustained: false, reason: reasons.join('; ') };
}
