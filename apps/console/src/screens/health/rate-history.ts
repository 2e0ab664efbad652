/** One poll of `sync.status`, reduced to the running totals the chart needs. */
export interface StatusSample {
  at: number;
  applied: number;
  received: number;
  lagMsSum: number;
  lagCount: number;
}

/** What happened between two polls: changes applied per second and their average lag. */
export interface IntervalPoint {
  at: number;
  appliedPerSecond: number;
  receivedPerSecond: number;
  /** Average lag (202 to commit) of the notifications applied in the interval; null when none were. */
  lagMs: number | null;
}

/** How far back the chart looks. */
export const WINDOW_MS = 5 * 60_000;

/** Sums a status answer's per-topic totals into one sample. */
export function sampleOf(at: number, topics: ReadonlyArray<{ applied: number; received: number; lagMsSum: number; lagCount: number }>): StatusSample {
  return topics.reduce<StatusSample>(
    (sum, t) => ({ at, applied: sum.applied + t.applied, received: sum.received + t.received, lagMsSum: sum.lagMsSum + t.lagMsSum, lagCount: sum.lagCount + t.lagCount }),
    { at, applied: 0, received: 0, lagMsSum: 0, lagCount: 0 },
  );
}

/** Adds a sample and forgets those older than the window. */
export function remember(samples: readonly StatusSample[], next: StatusSample): StatusSample[] {
  return [...samples, next].filter((sample) => sample.at >= next.at - WINDOW_MS);
}

/**
 * The rate and lag of each interval between consecutive samples. A total that went down (the
 * stats were reset) starts afresh rather than charting a negative rate.
 */
export function intervals(samples: readonly StatusSample[]): IntervalPoint[] {
  const points: IntervalPoint[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    const [a, b] = [samples[i - 1], samples[i]];
    const seconds = (b.at - a.at) / 1000;
    if (seconds <= 0) continue;
    const applied = b.applied - a.applied;
    const received = b.received - a.received;
    const lagCount = b.lagCount - a.lagCount;
    if (applied < 0 || received < 0 || lagCount < 0) continue;
    points.push({
      at: b.at,
      appliedPerSecond: applied / seconds,
      receivedPerSecond: received / seconds,
      lagMs: lagCount === 0 ? null : (b.lagMsSum - a.lagMsSum) / lagCount,
    });
  }
  return points;
}
