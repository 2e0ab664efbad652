import type { BenchOptions } from './bench-options.js';
import type { CpuShare } from './cpu-share.js';
import type { StreamSummary } from './pipeline-stream.js';
import type { StalenessResult } from './staleness.js';
import type { TimeSpent } from './time-spent.js';
import type { LoadResult } from './wrk.js';
import type { WorkerApplyRow } from './worker-apply.js';

/** A phase that failed or ran out of time. */
export interface Failed {
  error: string;
}
/** A phase that was not asked for (or could not be tried because of an earlier one). */
export interface Skipped {
  skipped: string;
}
/** A phase's place in the report: undefined while it has not run yet. */
export type Outcome<T> = T | Failed | Skipped | undefined;

export const isFailed = (outcome: unknown): outcome is Failed => typeof outcome === 'object' && outcome !== null && 'error' in outcome;
export const isSkipped = (outcome: unknown): outcome is Skipped => typeof outcome === 'object' && outcome !== null && 'skipped' in outcome;
export function measured<T extends object>(outcome: Outcome<T>): outcome is T {
  return outcome !== undefined && !isFailed(outcome) && !isSkipped(outcome);
}

export interface IntakeResult {
  payload: string;
  loadGenerator: string;
  connections: number;
  secondsPerRound: number;
  rounds: { bare: LoadResult[]; gateway: LoadResult[] };
  bare: LoadResult;
  gateway: LoadResult;
  throughputRatio: number;
  p99Ratio: number;
  /** The gateway's peak RSS under wrk (far above any rate the pipeline runs; not a memory target). */
  gatewayPeakRssMb: number;
}

export interface WorkerApplyResult {
  postgres: string;
  lines: number;
  count: number;
  warmUp: number;
  results: WorkerApplyRow[];
  /** The lowest handler / batched-upsert ratio of all mixes and concurrencies: what the target is judged on. */
  lowestRatio: number;
}

export interface OracleResult {
  /** Records of the oracle compared with PostgreSQL. */
  checked: number;
  lost: number;
  wrong: number;
  /** Changes logged more than once (the check lists at most 20). */
  appliedTwice: number;
  apiChecked: number;
  apiLost: number;
  apiWrong: number;
  /** The first differences, by name. */
  differences: string[];
}

/** One simulated stream on a fresh database and stack, with all it measured. */
export interface StreamRun {
  rate: number;
  seconds: number;
  summary: StreamSummary;
  /** Kept up (see sustainedVerdict), and why not. */
  sustained: boolean;
  reason?: string;
  oracle: Outcome<OracleResult>;
  timeSpent: Outcome<TimeSpent>;
  staleness: Outcome<StalenessResult>;
  /** Where the CPU went while the simulator sent its measured seconds. */
  cpu: Outcome<CpuShare>;
  /** Peak RSS per process of this run's stack, in MB. */
  peakRssMb: Record<string, number>;
}

/** One rate tried: measured, out of time (not sustained, no figures), failed or skipped. */
export interface RateStep {
  rate: number;
  seconds: number;
  run?: StreamRun;
  timedOut?: string;
  error?: string;
  skipped?: string;
}

/** Whether a step kept its rate: undefined when it was not measured. */
export const sustainedAt = (step: RateStep): boolean | undefined => (step.run !== undefined ? step.run.sustained : step.timedOut !== undefined ? false : undefined);

export interface LatencyResult {
  steps: RateStep[];
}

export interface SustainedResult {
  /** The steps above the end-to-end rate (the end-to-end run and the latency steps count too). */
  steps: RateStep[];
  /** The highest rate any run of this report sustained, null when none did. */
  highestSustainedRate: number | null;
}

export interface MemoryResult {
  /** Peak resident set (Linux VmHWM) per process over every run's stack, in MB. */
  peakRssMb: Record<string, number>;
  /** The run each peak came from. */
  from: Record<string, string>;
}

export interface BenchReport {
  date: string;
  status: 'running' | 'done' | 'interrupted';
  /** The phase running when this was written (while status is 'running'). */
  running?: string;
  finishedAt?: string;
  options: BenchOptions;
  machine: { cpus: number; cpu?: string; node: string };
  intake: Outcome<IntakeResult>;
  workerApply: Outcome<WorkerApplyResult>;
  latency: Outcome<LatencyResult>;
  endToEnd: Outcome<StreamRun>;
  sustained: Outcome<SustainedResult>;
  memory: Outcome<MemoryResult>;
  staleness: Outcome<StalenessResult>;
  /** Set when something failed (a phase, a step, or the oracle found differences). */
  failures?: string[];
}

/** Every stream the report ran, with its name, in the order they ran. */
export function streamRuns(report: BenchReport): Array<{ name: string; run: StreamRun }> {
  const runs: Array<{ name: string; run: StreamRun }> = [];
  const fromSteps = (steps: RateStep[], kind: string) => {
    for (const step of steps) if (step.run !== undefined) runs.push({ name: `${kind} ${step.rate}/s`, run: step.run });
  };
  if (measured(report.latency)) fromSteps(report.latency.steps, 'latency step');
  if (measured(report.endToEnd)) runs.push({ name: `end to end ${report.endToEnd.rate}/s`, run: report.endToEnd });
  if (measured(report.sustained)) fromSteps(report.sustained.steps, 'rate step');
  return runs;
}

/** What failed in a report: phases with an error, steps that crashed, and oracle differences. */
export function failuresOf(report: BenchReport): string[] {
  const failures: string[] = [];
  for (const [name, outcome] of [
    ['intake', report.intake],
    ['worker apply', report.workerApply],
    ['latency steps', report.latency],
    ['end to end', report.endToEnd],
    ['sustained rate', report.sustained],
    ['memory', report.memory],
    ['staleness', report.staleness],
  ] as const) {
    if (isFailed(outcome)) failures.push(`${name}: ${outcome.error}`);
  }
  for (const steps of [measured(report.latency) ? report.latency.steps : [], measured(report.sustained) ? report.sustained.steps : []]) {
    for (const step of steps) if (step.error !== undefined) failures.push(`${step.rate}/s step: ${step.error}`);
  }
  for (const { name, run } of streamRuns(report)) {
    const oracle = run.oracle;
    if (isFailed(oracle)) failures.push(`oracle after ${name}: ${oracle.error}`);
    else if (measured(oracle) && oracle.lost + oracle.wrong + oracle.appliedTwice + oracle.apiLost + oracle.apiWrong > 0) {
      failures.push(`oracle after ${name}: ${oracle.lost} lost, ${oracle.wrong} wrong, ${oracle.appliedTwice} applied twice, ${oracle.apiLost + oracle.apiWrong} wrong through the API`);
    }
  }
  return failures;
}
