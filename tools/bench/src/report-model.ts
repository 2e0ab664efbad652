import type { StreamSummary } from './pipeline-stream.js';
import type { LoadResult } from './wrk.js';

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

export interface EndToEndResult extends StreamSummary {
  sustained: boolean;
  reason?: string;
  oracle: Outcome<OracleResult>;
}

/** One rate tried for the highest sustained rate (the end-to-end run is the first). */
export interface StepResult {
  rate: number;
  seconds: number;
  source: 'end-to-end' | 'step';
  /** Undefined when the step was not measured (error or skipped). */
  sustained?: boolean;
  /** Why it was not sustained. */
  reason?: string;
  error?: string;
  skipped?: string;
  achievedRate?: number;
  p50Ms?: number;
  p99Ms?: number;
  backlogFirstThird?: number;
  backlogLastThird?: number;
  drainSeconds?: number | null;
  timeline?: StreamSummary['timeline'];
}

export interface SustainedResult {
  steps: StepResult[];
  /** The highest rate that was sustained, null when none was. */
  highestSustainedRate: number | null;
  note?: string;
}

export interface MemoryResult {
  /** Peak resident set (Linux VmHWM) per process, in MB. */
  peakRssMb: Record<string, number>;
}

export interface BenchReport {
  date: string;
  status: 'running' | 'done' | 'interrupted';
  /** The phase running when this was written (while status is 'running'). */
  running?: string;
  finishedAt?: string;
  options: { rate: number; duration: number; steps: number[]; stepDuration: number; intakeSeconds: number; phases: string[] };
  machine: { cpus: number; cpu?: string; node: string };
  intake: Outcome<IntakeResult>;
  endToEnd: Outcome<EndToEndResult>;
  sustained: Outcome<SustainedResult>;
  memory: Outcome<MemoryResult>;
  /** Set when something failed (a phase, a step, or the oracle found differences). */
  failures?: string[];
}

export const TARGETS = {
  intakeThroughputRatio: 0.7,
  intakeP99Ratio: 2,
  endToEndRate: 1000,
  endToEndSeconds: 60,
  endToEndP99Ms: 250,
  sustainedRate: 2000,
  sustainedSeconds: 60,
  gatewayRssMb: 150,
  workerRssMb: 200,
} as const;

/** What failed in a report: phases with an error, steps that crashed, and oracle differences. */
export function failuresOf(report: BenchReport): string[] {
  const failures: string[] = [];
  for (const [name, outcome] of [
    ['intake', report.intake],
    ['end to end', report.endToEnd],
    ['sustained rate', report.sustained],
    ['memory', report.memory],
  ] as const) {
    if (isFailed(outcome)) failures.push(`${name}: ${outcome.error}`);
  }
  if (measured(report.endToEnd)) {
    const oracle = report.endToEnd.oracle;
    if (isFailed(oracle)) failures.push(`oracle: ${oracle.error}`);
    else if (measured(oracle) && oracle.lost + oracle.wrong + oracle.appliedTwice + oracle.apiLost + oracle.apiWrong > 0) {
      failures.push(`oracle: ${oracle.lost} lost, ${oracle.wrong} wrong, ${oracle.appliedTwice} applied twice, ${oracle.apiLost + oracle.apiWrong} wrong through the API`);
    }
  }
  if (measured(report.sustained)) for (const step of report.sustained.steps) if (step.error !== undefined) failures.push(`sustained rate ${step.rate}/s: ${step.error}`);
  return failures;
}
