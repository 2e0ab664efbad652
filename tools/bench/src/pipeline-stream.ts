import { runSimulation, waitUntilSettled, type Oracle } from '@wmsi/acumatica-sim';
import { createWmsClient } from '@wmsi/client';
import type { Topic } from '@wmsi/contracts';
import { connectForBackgroundWork, intakeKeys, openQueuesInUse } from '@wmsi/queue';
import type { Queue } from 'bullmq';
import type { CpuShare, cpuMeter } from './cpu-share.js';
import { reasonOf, withDeadline } from './deadline.js';
import { percentile, round1 } from './percentiles.js';
import { latencyMatcher, timelineOf, type StreamSamples, type TimelinePoint } from './stream-latency.js';

/** One steady stream through the whole pipeline, as measured (everything here is JSON). */
export interface StreamSummary {
  rate: number;
  /** The measured seconds, after `warmUpSeconds` at the same rate; every figure but the timeline and `warmUp` is of them. */
  seconds: number;
  warmUpSeconds: number;
  /** The warm-up's own latency (the first seconds of a fresh stack), when there was one. */
  warmUp?: { events: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Notifications the gateway acknowledged while the simulator was sending, per second of sending. */
  achievedRate: number;
  notifications: number;
  requests: number;
  /** Replies other than 202, by status ('network' for no answer): each was resent. */
  resent: Record<string, number>;
  gaveUp: number;
  /** Seconds from the start of the measured seconds to the last 202 (late and duplicate deliveries included). */
  sendingSeconds: number;
  /** Change events (removals excluded) matched to the 202 of their notification. */
  events: number;
  p50Ms: number;
  p90Ms: number;
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
  gatewayUrl: string;
  apiUrl: string;
  keys: Partial<Record<Topic, string>>;
  token: string;
  redisUrl: string;
  prefix: string;
  rate: number;
  seconds: number;
  /** Seconds sent at `rate` before the measured `seconds`, reported apart (0: none). */
  warmUpSeconds?: number;
  /** Subscribing and sending (every request accepted) must be over by then. */
  sendDeadlineMs: number;
  /** How long the pipeline may take to settle after the last 202 (the oracle needs it settled). */
  drainDeadlineMs: number;
  /** Measures where the CPU went while the simulator sent its measured seconds (after the warm-up). */
  cpu?: ReturnType<typeof cpuMeter>;
}

const average = (list: number[]) => list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);

/** How many notifications wait anywhere in the pipeline: the intake stream and every queue. */
function backlogReader(redisUrl: string, prefix: string) {
  const redis = connectForBackgroundWork(redisUrl, () => undefined);
  // Opened at the first read: by then the stack's workers have recorded their partitions.
  let queues: Queue[] | undefined;
  let closed = false;
  return {
    async read(): Promise<number | undefined> {
      if (closed) return undefined;
      queues ??= await openQueuesInUse(redis, prefix);
      const intake = await redis.xlen(intakeKeys(prefix).stream);
      const waiting = await Promise.all(queues.map((queue) => queue.getWaitingCount()));
      return intake + waiting.reduce((a, b) => a + b, 0);
    },
    async close() {
      closed = true;
      await Promise.all((queues ?? []).map((queue) => queue.close()));
      redis.disconnect();
    },
  };
}

/** The samples, and when the measured seconds began (epoch ms): the warm-up's end. */
export type MeasuredSamples = StreamSamples & { measuredFromMs: number };

/**
 * A steady simulated stream (20 % split, 5 % duplicates, 5 % late), its latency from the 202 to
 * the change event on `sync.changes`, and the pipeline's backlog second by second. Throws a
 * DeadlineError when the subscription or the sending does not finish in time; a drain that does
 * not finish in its own time is reported in the result (drainSeconds null, settleError).
 */
export async function runStream(options: StreamOptions): Promise<{ summary: StreamSummary; oracle: Oracle; samples: MeasuredSamples; cpu?: CpuShare }> {
  const { rate, seconds } = options;
  const warmUpSeconds = options.warmUpSeconds ?? 0;
  const deadline = Date.now() + options.sendDeadlineMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());
  const matcher = latencyMatcher(() => performance.now());
  const acceptedInWindow = new Set<string>();
  let subscriptionError: string | undefined;
  const client = createWmsClient({ url: options.apiUrl, token: options.token });
  let started!: () => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((started = resolve), (failed = reject)));
  // Frames of up to 500 changes, as a desktop that follows everything would read them: one SSE
  // message per change costs the API and this process (which also plays Acumatica) more than the
  // pipeline's own work at these rates.
  const subscription = client.sync.changeBatches.subscribe({ pageSize: 500 }, {
    onStarted: () => started(),
    onError: (error) => {
      subscriptionError = reasonOf(error);
      failed(error);
    },
    onData: ({ data: page }) => {
      for (const change of page) {
        // Removals come when a window ends (parked lone Deleted rows): excluded, as the targets say.
        if (change.kind !== 'removal') matcher.event(`${change.topic}|${change.sourceTimestamp}`, change.appliedAt);
      }
    },
  });
  const backlog = backlogReader(options.redisUrl, options.prefix);
  // A stream out of time stops sending: its resends would load the next run's machine.
  const sending = new AbortController();
  try {
    // Not a DeadlineError: a subscription that does not start says nothing about the rate.
    await withDeadline(ready, Math.min(30_000, remaining()), 'starting the sync.changeBatches subscription').catch((error: unknown) => {
      throw new Error(reasonOf(error));
    });
    const backlogs: number[] = [];
    matcher.start();
    const windowStart = warmUpSeconds * 1000;
    const windowEnd = (warmUpSeconds + seconds) * 1000;
    const measuredFromMs = Date.now() + windowStart;
    // The CPU shares are of the measured seconds, like the latency: from the warm-up's last second.
    let cpuStarted = warmUpSeconds === 0;
    if (cpuStarted) await options.cpu?.start();
    let lastAccepted = 0;
    const run = await withDeadline(
      runSimulation({
        gatewayUrl: options.gatewayUrl,
        keys: options.keys,
        rate,
        durationMs: windowEnd,
        delivery: { split: 0.2, duplicates: 0.05, reorder: 0.05 },
        signal: sending.signal,
        onAccepted: (request, at) => {
          lastAccepted = Math.max(lastAccepted, matcher.elapsedMs(at));
          if (matcher.elapsedMs(at) >= windowStart && matcher.elapsedMs(at) <= windowEnd) acceptedInWindow.add(request.transaction.id);
          if (request.carriesInserted) matcher.accepted(`${request.transaction.topic}|${request.transaction.timeStamp}`, at);
        },
        onSecond: async (second) => {
          if (!cpuStarted && second >= warmUpSeconds) {
            cpuStarted = true;
            await options.cpu?.start();
          }
          const waiting = await backlog.read().catch(() => undefined);
          if (waiting !== undefined) backlogs.push(waiting);
        },
      }),
      remaining(),
      `sending ${rate}/s for ${warmUpSeconds + seconds} s (every request accepted)`,
    );
    const cpu = cpuStarted ? await options.cpu?.stop() : undefined;
    const drainStarted = performance.now();
    let drainSeconds: number | null = null;
    let settleError: string | undefined;
    try {
      const budget = options.drainDeadlineMs;
      await withDeadline(waitUntilSettled(options.redisUrl, options.prefix, budget), budget + 5_000, 'the drain');
      drainSeconds = round1((performance.now() - drainStarted) / 1000);
    } catch (error) {
      settleError = reasonOf(error);
    }
    // The last events of the drain are still on their way to the subscriber.
    await new Promise((resolve) => setTimeout(resolve, 500));

    // The figures are of the measured seconds: events whose 202 came after the warm-up.
    const all = matcher.samples.latencies;
    const latencies = all.filter((l) => l.acceptedAtMs >= windowStart);
    const warmUp = all.filter((l) => l.acceptedAtMs < windowStart).map((l) => l.ms).sort((a, b) => a - b);
    const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
    const measuredBacklogs = backlogs.slice(warmUpSeconds);
    const third = Math.max(1, Math.floor(measuredBacklogs.length / 3));
    const summary: StreamSummary = {
      rate,
      seconds,
      warmUpSeconds,
      ...(warmUp.length > 0
        ? { warmUp: { events: warmUp.length, p50Ms: round1(percentile(warmUp, 50)), p99Ms: round1(percentile(warmUp, 99)), maxMs: round1(warmUp[warmUp.length - 1] ?? NaN) } }
        : {}),
      // Not run.transactions / run.seconds: run.seconds includes the late and duplicate deliveries
      // (up to ~10 s after the last transaction), which would fail every short run.
      achievedRate: round1(acceptedInWindow.size / seconds),
      notifications: run.transactions,
      requests: run.stats.accepted,
      resent: run.stats.refused,
      gaveUp: run.stats.gaveUp,
      sendingSeconds: round1((lastAccepted - windowStart) / 1000),
      events: latencies.length,
      p50Ms: round1(percentile(sorted, 50)),
      p90Ms: round1(percentile(sorted, 90)),
      p99Ms: round1(percentile(sorted, 99)),
      maxMs: round1(sorted[sorted.length - 1] ?? NaN),
      backlogFirstThird: Math.round(average(measuredBacklogs.slice(0, third))),
      backlogLastThird: Math.round(average(measuredBacklogs.slice(-third))),
      drainSeconds,
      ...(settleError !== undefined ? { settleError } : {}),
      ...(subscriptionError !== undefined ? { subscriptionError } : {}),
      timeline: timelineOf(all, backlogs),
    };
    const samples = { ...matcher.samples, latencies, measuredFromMs };
    return { summary, oracle: run.oracle, samples, ...(cpu !== undefined ? { cpu } : {}) };
  } finally {
    sending.abort();
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
