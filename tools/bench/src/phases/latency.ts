import type { BenchRun } from '../bench-run.js';
import { gapSection, ms, num, type Verdict } from '../markdown-format.js';
import { measured, streamRuns, type BenchReport, type RateStep } from '../report-model.js';
import { TARGETS } from '../targets.js';
import { measureRateStep, stepRow, STEP_HEADER, SUSTAINED_RULE } from './rate-step.js';

/** The fixed rates of the latency targets (100/s and 500/s by default), each on a fresh stack. */
export async function runLatencyPhase(run: BenchRun): Promise<void> {
  if (!run.wanted('latency')) return;
  const steps: RateStep[] = [];
  run.report.latency = { steps };
  for (const rate of run.options.latencySteps) {
    steps.push(await measureRateStep(run, { rate, seconds: run.options.latencyDuration, name: `latency step ${num(rate)}/s` }));
    run.save();
  }
}

/**
 * The headline row of a p99 target: from the latency step at its rate, or any other run at that
 * rate (say an end-to-end run asked for with --rate 500).
 */
export function latencyTarget(report: BenchReport, target: { rate: number; p99Ms: number }): [string, Verdict] | undefined {
  const found = streamRuns(report).find(({ run }) => run.rate === target.rate);
  if (found === undefined) {
    const step = measured(report.latency) ? report.latency.steps.find((s) => s.rate === target.rate) : undefined;
    if (step?.timedOut !== undefined) return [`did not finish sending: ${step.timedOut}`, 'missed'];
    if (step?.error !== undefined) return [`not measured: ${step.error}`, 'not measured'];
    // Not asked for at this rate (--latency-steps), or still to come.
    return measured(report.latency) && report.status !== 'running' ? [`not measured: no stream ran at ${num(target.rate)}/s`, 'not measured'] : undefined;
  }
  const s = found.run.summary;
  const kept = found.run.sustained ? '' : `; did not keep up (${num(s.achievedRate)}/s achieved)`;
  return [`${ms(s.p99Ms)} (p50 ${ms(s.p50Ms)}, p90 ${ms(s.p90Ms)}; ${num(s.events, 0)} events, ${found.name}${kept})`, s.events > 0 && s.p99Ms <= target.p99Ms ? 'met' : 'missed'];
}

export function latencySection(report: BenchReport): string[] {
  const latency = report.latency;
  const warm = report.options.warmUp > 0 ? ` after ${report.options.warmUp} s of warm-up at the same rate` : '';
  const title = `## Latency at fixed rates (${report.options.latencyDuration} s each${warm}, a fresh database and stack each)`;
  if (!measured(latency)) return gapSection(title, latency, report.status);
  const targetOf = (rate: number) => TARGETS.p99AtRate.find((t) => t.rate === rate);
  return [
    title,
    '',
    ...STEP_HEADER,
    ...latency.steps.map(stepRow),
    '',
    ...latency.steps.flatMap((step) => {
      const target = targetOf(step.rate);
      if (target === undefined || step.run === undefined) return [];
      const cold = step.run.summary.warmUp;
      const warmUp = cold === undefined ? '' : ` During the warm-up (the stack's first ${step.run.summary.warmUpSeconds} s): p50 ${ms(cold.p50Ms)}, p99 ${ms(cold.p99Ms)}, max ${ms(cold.maxMs)} over ${num(cold.events, 0)} events.`;
      return [`- ${num(step.rate)}/s: p99 ${ms(step.run.summary.p99Ms)} against a target of ${ms(target.p99Ms)}.${warmUp}`];
    }),
    '',
    SUSTAINED_RULE,
    '',
  ];
}
