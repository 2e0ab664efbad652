import { seededRandom } from '@wmsi/acumatica-sim';
import { percentile, round1 } from './percentiles.js';

/**
 * How old the data a warehouse acts on is, with WMSi and with an integration that polls the ERP:
 * for every change of one simulated stream, the time from the ERP's change until a warehouse
 * client can see it.
 *
 * - WMSi: the change's measured latency from its 202 to its event on `sync.changes`.
 * - A poller every P seconds: the wait until its next poll (the poll's phase uniformly random,
 *   drawn afresh for each change, which is what a steady stream longer than P sees) plus the same
 *   measured latency for the poll's own processing. That is generous to polling: it pays none of
 *   the ERP's query time, and a poll that brings P seconds of changes at once is not slower here.
 *
 * Acumatica's own delay before it pushes (or before a change is visible to a poll) is the same on
 * both sides and is left out: the age counts from the 202.
 */
export const STALENESS_MODEL =
  'Each change counts from its 202: with WMSi it is visible after its measured 202 -> `sync.changes` latency; ' +
  'with a poller every P seconds it is visible at the next poll (phase uniformly random) plus that same measured latency for the poll\'s own processing, which favours polling (no ERP query time, no burst of P seconds of changes at once).';

export const POLL_INTERVALS_SECONDS = [90, 900] as const;

export interface StalenessCurve {
  name: string;
  /** null for WMSi (pushed), else the polling interval. */
  pollSeconds: number | null;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Share of changes visible within 1 s, in percent. */
  withinOneSecondPercent: number;
  /** The distribution as [age ms, percent of changes visible by then], 0 to 100 %. */
  cdf: Array<[number, number]>;
}

export interface StalenessResult {
  /** Which stream it was computed over. */
  source: string;
  changes: number;
  seed: number;
  model: string;
  curves: StalenessCurve[];
}

/** The percent points the CDF keeps: every percent, and the tail in finer steps. */
const CDF_POINTS = [...Array.from({ length: 100 }, (_, i) => i), 99.5, 99.9, 100];

export function stalenessOf(latenciesMs: readonly number[], options: { source: string; seed: number }): StalenessResult {
  const random = seededRandom(options.seed);
  const curve = (name: string, pollSeconds: number | null, ages: number[]): StalenessCurve => {
    ages.sort((a, b) => a - b);
    const within = ages.filter((age) => age <= 1_000).length;
    return {
      name,
      pollSeconds,
      p50Ms: round1(percentile(ages, 50)),
      p90Ms: round1(percentile(ages, 90)),
      p99Ms: round1(percentile(ages, 99)),
      withinOneSecondPercent: round1((100 * within) / Math.max(1, ages.length)),
      cdf: CDF_POINTS.map((p) => [round1(p === 100 ? ages[ages.length - 1] : percentile(ages, p)), p]),
    };
  };
  // A latency below 0 is an event that beat its 202 to the bench: visible at once.
  const pushed = latenciesMs.map((ms) => Math.max(0, ms));
  return {
    source: options.source,
    changes: pushed.length,
    seed: options.seed,
    model: STALENESS_MODEL,
    curves: [
      curve('WMSi (pushed)', null, [...pushed]),
      ...POLL_INTERVALS_SECONDS.map((seconds) =>
        curve(`polling every ${seconds < 120 ? `${seconds} s` : `${seconds / 60} min`}`, seconds, pushed.map((ms) => random.next() * seconds * 1000 + ms)),
      ),
    ],
  };
}
