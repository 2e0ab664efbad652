import type { BenchRun } from '../bench-run.js';
import { DeadlineError, reasonOf, withDeadline } from '../deadline.js';
import { blank, cell, ms, num } from '../markdown-format.js';
import type { RateStep } from '../report-model.js';
import { measureStream, streamDeadlineMs } from '../stream-run.js';

/**
 * One rate on a fresh database and stack. A stream that runs out of time did not keep its rate (a
 * step, not a failure); anything else that goes wrong is a failure of the bench.
 */
export async function measureRateStep(run: BenchRun, options: { rate: number; seconds: number; name: string }): Promise<RateStep> {
  const { rate, seconds, name } = options;
  run.running(`${name}: ${num(rate)}/s for ${seconds} s on a fresh database and stack`);
  try {
    return { rate, seconds, run: await withDeadline(measureStream(run, options), streamDeadlineMs(seconds + (run.warmUpSeconds ?? 0)), name) };
  } catch (error) {
    // Whatever of it still runs (a stack, a database) goes before the next step starts.
    await run.cleanUp();
    const timedOut = error instanceof DeadlineError;
    run.log(`${name}: ${timedOut ? 'not sustained' : 'not measured'}: ${reasonOf(error)}`);
    return timedOut ? { rate, seconds, timedOut: reasonOf(error) } : { rate, seconds, error: reasonOf(error) };
  }
}

/** Whether a step kept up, in words. */
export function keptUp(step: RateStep): string {
  if (step.error !== undefined) return `not measured: ${cell(step.error)}`;
  if (step.skipped !== undefined) return `skipped: ${cell(step.skipped)}`;
  if (step.run === undefined) return `no: ${cell(step.timedOut ?? 'not measured')}`;
  return step.run.sustained ? 'yes' : `no: ${cell(step.run.reason ?? 'unknown')}`;
}

export const STEP_HEADER = [
  '| rate/s | seconds | achieved/s | p50 | p90 | p99 | max | backlog first third | backlog last third | drain | kept up |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
];

/** A step as a row of STEP_HEADER's table. */
export function stepRow(step: RateStep): string {
  const s = step.run?.summary;
  const drain = s === undefined ? '' : s.drainSeconds === null ? 'did not settle' : `${s.drainSeconds} s`;
  return `| ${num(step.rate)} | ${step.seconds} | ${blank(s?.achievedRate, num)} | ${blank(s?.p50Ms, ms)} | ${blank(s?.p90Ms, ms)} | ${blank(s?.p99Ms, ms)} | ${blank(s?.maxMs, ms)} | ${blank(s?.backlogFirstThird, num)} | ${blank(s?.backlogLastThird, num)} | ${drain} | ${keptUp(step)} |`;
}

export const SUSTAINED_RULE =
  'Kept up: the gateway acknowledged >= 95 % of the rate while the simulator sent, the backlog of the last third was not above max(rate, 1.5 x the first third), and it drained within 10 s. ' +
  'Latency is from each 202 to the change event on `sync.changes`, removals excluded (they wait for the pairing window by design).';
