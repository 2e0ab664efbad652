import { describe, expect, it } from 'vitest';
import { intervals, remember, sampleOf, WINDOW_MS } from './rate-history';

describe('the live chart\'s figures, from polls of sync.status', () => {
  it('turns running totals into the rate and the average lag of each interval', () => {
    const first = sampleOf(0, [{ applied: 10, received: 12, lagMsSum: 1_000, lagCount: 10 }, { applied: 5, received: 5, lagMsSum: 0, lagCount: 0 }]);
    const second = sampleOf(2_000, [{ applied: 30, received: 32, lagMsSum: 5_000, lagCount: 30 }, { applied: 5, received: 5, lagMsSum: 0, lagCount: 0 }]);
    const third = sampleOf(4_000, [{ applied: 30, received: 32, lagMsSum: 5_000, lagCount: 30 }, { applied: 5, received: 5, lagMsSum: 0, lagCount: 0 }]);
    expect(intervals([first, second, third])).toEqual([
      { at: 2_000, appliedPerSecond: 10, receivedPerSecond: 10, lagMs: 200 },
      // Nothing applied: no lag to speak of, rather than a lag of 0.
      { at: 4_000, appliedPerSecond: 0, receivedPerSecond: 0, lagMs: null },
    ]);
  });

  it('skips an interval whose totals went down (stats reset) and forgets samples older than the window', () => {
    const reset = [sampleOf(0, [{ applied: 100, received: 100, lagMsSum: 10, lagCount: 1 }]), sampleOf(1_000, [{ applied: 1, received: 1, lagMsSum: 1, lagCount: 1 }])];
    expect(intervals(reset)).toEqual([]);
    const kept = remember([sampleOf(0, []), sampleOf(1_000, [])], sampleOf(WINDOW_MS + 500, []));
    expect(kept.map((s) => s.at)).toEqual([1_000, WINDOW_MS + 500]);
  });
});
