import { describe, expect, it } from 'vitest';
import { latencyMatcher, timelineOf } from './stream-latency.js';

describe('matching change events to the 202 of their notification', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, at: (ms: number) => (now = ms) };
  };

  it('measures each event of a notification from its first 202, and an event that beat its 202 once the 202 is in', () => {
    const time = clock();
    const matcher = latencyMatcher(time.now);
    matcher.start();
    matcher.accepted('purchase-orders|100', 1_000);
    matcher.accepted('purchase-orders|100', 1_500); // a duplicate delivery: the first 202 counts
    time.at(1_040);
    matcher.event('purchase-orders|100', new Date().toISOString());
    time.at(2_003);
    matcher.event('stock-items|200', new Date().toISOString()); // its reply is still on the way
    matcher.accepted('stock-items|200', 2_005);
    expect(matcher.samples.latencies).toEqual([
      { acceptedAtMs: 1_000, ms: 40 },
      { acceptedAtMs: 2_005, ms: -2 },
    ]);
    expect(matcher.samples.appliedToEvent).toHaveLength(2);
  });

  it('groups latencies by the second of their 202, with the backlog of that second', () => {
    const timeline = timelineOf(
      [
        { acceptedAtMs: 100, ms: 10 },
        { acceptedAtMs: 900, ms: 30 },
        { acceptedAtMs: 1_200, ms: 50 },
      ],
      [4, 9],
    );
    expect(timeline).toEqual([
      { second: 0, p50: 30, p99: 30, events: 2, backlog: 4 },
      { second: 1, p50: 50, p99: 50, events: 1, backlog: 9 },
    ]);
  });
});
