import { describe, expect, it } from 'vitest';
import { stalenessOf } from './staleness.js';

describe('the staleness a warehouse sees', () => {
  // 20,000 changes, each seen by WMSi 40 ms after its 202.
  const latencies = Array.from({ length: 20_000 }, () => 40);
  const [pushed, every90s, every15min] = stalenessOf(latencies, { source: 'test', seed: 7 }).curves;

  it('with WMSi is the measured latency itself', () => {
    expect(pushed).toMatchObject({ name: 'WMSi (pushed)', pollSeconds: null, p50Ms: 40, p99Ms: 40, withinOneSecondPercent: 100 });
  });

  it('with polling is the wait for the next poll, uniform over the interval, plus the same latency', () => {
    expect(every90s.pollSeconds).toBe(90);
    expect(every90s.p50Ms).toBeGreaterThan(43_000);
    expect(every90s.p50Ms).toBeLessThan(47_000);
    expect(every90s.p99Ms).toBeGreaterThan(88_000);
    expect(every90s.p99Ms).toBeLessThanOrEqual(90_040);
    expect(every90s.withinOneSecondPercent).toBeLessThan(2);
    expect(every15min.p50Ms).toBeGreaterThan(430_000);
    expect(every15min.p50Ms).toBeLessThan(470_000);
  });

  it('keeps each distribution as points from 0 to 100 %, ages rising', () => {
    for (const curve of [pushed, every90s, every15min]) {
      expect(curve.cdf[0][1]).toBe(0);
      expect(curve.cdf[curve.cdf.length - 1][1]).toBe(100);
      for (let i = 1; i < curve.cdf.length; i++) expect(curve.cdf[i][0]).toBeGreaterThanOrEqual(curve.cdf[i - 1][0]);
    }
  });

  it('is the same for the same stream and seed', () => {
    expect(stalenessOf(latencies, { source: 'test', seed: 7 })).toEqual(stalenessOf(latencies, { source: 'test', seed: 7 }));
  });
});
