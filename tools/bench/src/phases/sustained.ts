import type { BenchRun } from '../bench-run.js';
import { gapSection, ms, num, type Verdict } from '../markdown-format.js';
import { measured, streamRuns, sustainedAt, type BenchReport, type RateStep } from '../report-model.js';
import { TARGETS } from '../targets.js';
import { measureRateStep, stepRow, STEP_HEADER, SUSTAINED_RULE } from './rate-step.js';

/** The highest rate any stream of the report kept up with (latency steps, end to end, steps). */
export function highestSustainedRate(report: BenchReport): number | null {
  const rates = streamRuns(report)
    .filter(({ run }) => run.sustained)
    .map(({ run }) => run.rate);
  return rates.length === 0 ? null : Math.max(...rates);
}

/** The lowest rate a stream of the report did not keep up with, if any. */
function lowestFailedRate(report: BenchReport, steps: readonly RateStep[]): number | undefined {
  const failed = [
    ...streamRuns(report).filter(({ run }) => !run.sustained).map(({ run }) => run.rate),
    ...steps.filter((step) => sustainedAt(step) === false).map((step) => step.rate),
  ];
  return failed.length === 0 ? undefined : Math.min(...failed);
}

/**
 * Rates above the end-to-end run (1,500, 2,000, 2,500/s by default), each on a fresh database and
 * stack, until one is not kept: a higher rate is not tried once a lower one failed.
 */
export async function runSustainedPhase(run: BenchRun): Promise<void> {
  const steps: RateStep[] = [];
  const record = () => {
    run.report.sustained = { steps, highestSustainedRate: highestSustainedRate(run.report) };
    run.save();
  };
  if (!run.wanted('steps')) {
    if (streamRuns(run.report).length > 0) record();
    else run.report.sustained = { skipped: 'no stream ran (none of latency, e2e, steps in --phases)' };
    return;
  }
  for (const rate of run.options.steps) {
    const seconds = run.options.stepDuration;
    const failedAt = lowestFailedRate(run.report, steps);
    if (failedAt !== undefined && failedAt <= rate) steps.push({ rate, seconds, skipped: `not sustained at ${num(failedAt)}/s already` });
    else steps.push(await measureRateStep(run, { rate, seconds, name: `rate step ${num(rate)}/s` }));
    record();
  }
  record();
}

/** The headline rows: the target rate, and the stretch. */
export function sustainedTargets(report: BenchReport): { target: [string, Verdict]; stretch: [string, Verdict] } | undefined {
  if (!measured(report.sustained)) return undefined;
  const best = report.sustained.highestSustainedRate;
  const runs = streamRuns(report);
  const tried = runs.map(({ run }) => `${num(run.rate)}/s ${run.sustained ? 'kept' : 'not kept'}`).join(', ');
  const atTarget = runs.find(({ run }) => run.rate === TARGETS.sustainedRate)?.run;
  const detail = atTarget === undefined ? '' : `; at ${num(atTarget.rate)}/s: ${num(atTarget.summary.achievedRate)}/s acknowledged, p99 ${ms(atTarget.summary.p99Ms)}`;
  const text = `${best === null ? 'none' : `${num(best)}/s`} (${tried || 'no stream ran'})${detail}`;
  return {
    target: [text, best !== null && best >= TARGETS.sustainedRate ? 'met' : 'missed'],
    stretch: [best === null ? 'none' : `${num(best)}/s`, best !== null && best >= TARGETS.stretchRate ? 'met' : 'missed'],
  };
}

export function sustainedSection(report: BenchReport): string[] {
  const sustained = report.sustained;
  const title = `## Highest sustained rate (every stream of this run, each on a fresh database and stack)`;
  if (!measured(sustained)) return gapSection(title, sustained, report.status);
  const earlier: RateStep[] = streamRuns(report)
    .filter(({ name }) => !name.startsWith('rate step'))
    .map(({ run }) => ({ rate: run.rate, seconds: run.seconds, run }));
  const all = [...earlier, ...sustained.steps].sort((a, b) => a.rate - b.rate);
  return [
    title,
    '',
    ...STEP_HEADER,
    ...all.map(stepRow),
    '',
    SUSTAINED_RULE,
    '',
    `Highest sustained: ${sustained.highestSustainedRate === null ? 'none' : `${num(sustained.highestSustainedRate)} notifications/s`} ` +
      `(target >= ${num(TARGETS.sustainedRate)}/s, stretch ${num(TARGETS.stretchRate)}/s, for ${TARGETS.sustainedSeconds} s).`,
    '',
  ];
}
