import { percentile, round1 } from './percentiles.js';

export interface TimelinePoint {
  /** Seconds into the run (by the time of the 202). */
  second: number;
  p50: number;
  p99: number;
  events: number;
  /** Notifications waiting anywhere in the pipeline at the end of that second, if read. */
  backlog?: number;
}

/** One change event's latency: when its notification got its 202 (ms into the run) and how long until the event. */
export interface LatencySample {
  acceptedAtMs: number;
  ms: number;
}

/** What the stream measured event by event, too large for the report: the material of later analysis. */
export interface StreamSamples {
  latencies: LatencySample[];
  /** Per event: its `appliedAt` (epoch ms, the write by PostgreSQL's clock) and its arrival at the subscriber minus that. */
  appliedToEvent: AppliedToEvent[];
}

export interface AppliedToEvent {
  appliedAt: number;
  ms: number;
}

/**
 * Matches change events to the 202 of the notification that carried them (by topic and TimeStamp:
 * the first delivery with Inserted rows). An event can beat its 202 to this process (the reply is
 * still on its way while the worker already applied it); it waits here for the 202.
 */
export function latencyMatcher(now: () => number) {
  const acknowledged = new Map<string, number>();
  const early = new Map<string, number[]>();
  const samples: StreamSamples = { latencies: [], appliedToEvent: [] };
  let began = now();
  const record = (acceptedAt: number, arrivedAt: number) => samples.latencies.push({ acceptedAtMs: acceptedAt - began, ms: arrivedAt - acceptedAt });
  return {
    samples,
    start: () => (began = now()),
    elapsedMs: (at: number) => at - began,
    accepted(key: string, at: number) {
      if (acknowledged.has(key)) return;
      acknowledged.set(key, at);
      for (const arrivedAt of early.get(key) ?? []) record(at, arrivedAt);
      early.delete(key);
    },
    event(key: string, appliedAt: string) {
      const arrivedAt = now();
      const applied = Date.parse(appliedAt);
      samples.appliedToEvent.push({ appliedAt: applied, ms: Date.now() - applied });
      const at = acknowledged.get(key);
      if (at !== undefined) record(at, arrivedAt);
      else early.set(key, [...(early.get(key) ?? []), arrivedAt]);
    },
  };
}

/** Latency per second of the run (by the 202), with the backlog read at the end of that second. */
export function timelineOf(latencies: readonly LatencySample[], backlogs: readonly number[]): TimelinePoint[] {
  const perSecond = new Map<number, number[]>();
  for (const { acceptedAtMs, ms } of latencies) {
    const second = Math.max(0, Math.floor(acceptedAtMs / 1000));
    const list = perSecond.get(second);
    if (list === undefined) perSecond.set(second, [ms]);
    else list.push(ms);
  }
  return [...perSecond]
    .sort(([a], [b]) => a - b)
    .map(([second, list]): TimelinePoint => {
      const s = list.sort((a, b) => a - b);
      // onSecond(n) reads the backlog at the end of second n - 1 (counted from 0).
      return { second, p50: round1(percentile(s, 50)), p99: round1(percentile(s, 99)), events: s.length, ...(backlogs[second] !== undefined ? { backlog: backlogs[second] } : {}) };
    });
}

