/** p50/p90/p99 and the largest of a list of durations, in ms, rounded to 0.1 ms. */
export interface Spread {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The value at or above `p` percent of a sorted list (nearest rank); NaN for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** The spread of `values` (sorted in place), or null when there are none. */
export function spreadOf(values: number[]): Spread | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return {
    count: values.length,
    p50: round1(percentile(values, 50)),
    p90: round1(percentile(values, 90)),
    p99: round1(percentile(values, 99)),
    max: round1(values[values.length - 1]),
  };
}
