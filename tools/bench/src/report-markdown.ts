import { headlineTable } from './headline.js';
import { cell, num } from './markdown-format.js';
import { endToEndSection } from './phases/end-to-end.js';
import { intakeSection } from './phases/intake.js';
import { latencySection } from './phases/latency.js';
import { memorySection } from './phases/memory.js';
import { stalenessSection } from './phases/staleness.js';
import { sustainedSection } from './phases/sustained.js';
import { timeSpentSection } from './phases/time-spent.js';
import { workerApplySection } from './phases/worker-apply.js';
import type { BenchReport } from './report-model.js';
import { TARGETS } from './targets.js';

function statusLine(report: BenchReport): string {
  if (report.status === 'running') return `**In progress**${report.running ? ` (now: ${report.running})` : ''}: this report is rewritten after every phase.`;
  if (report.status === 'interrupted') return '**Interrupted**: what was measured before the bench was stopped.';
  return `Finished ${report.finishedAt ?? ''}.`;
}

/** Whether the run was shorter or slower than the conditions the targets are stated for. */
function shorterThanTheTargets(report: BenchReport): boolean {
  const o = report.options;
  const seconds = [o.phases.includes('e2e') ? o.duration : Infinity, o.phases.includes('latency') ? o.latencyDuration : Infinity, o.phases.includes('steps') ? o.stepDuration : Infinity];
  return o.rate !== TARGETS.sustainedRate || Math.min(...seconds) < TARGETS.sustainedSeconds;
}

/** The report as markdown: the targets first, then each phase, where the time went, then what failed. */
export function renderMarkdown(report: BenchReport): string {
  const o = report.options;
  const lines = [
    `# WMSi benchmark, ${report.date}`,
    '',
    statusLine(report),
    '',
    `${report.machine.cpus} CPUs (${report.machine.cpu ?? 'unknown'}), Node ${report.machine.node}; every app its own process, as \`npm start\` runs them; every stream on a database and stack of its own, its figures of the seconds after its warm-up at the same rate. ` +
      `Run with \`--rate ${o.rate} --duration ${o.duration} --latency-steps ${o.latencySteps.join(',')} --latency-duration ${o.latencyDuration} --steps ${o.steps.join(',')} ` +
      `--step-duration ${o.stepDuration} --warm-up ${o.warmUp} --intake-seconds ${o.intakeSeconds} --worker-apply-count ${o.workerApplyCount} --phases ${o.phases.join(',')}` +
      `${Object.keys(o.replicas).length > 0 ? ` --replicas ${Object.entries(o.replicas).map(([app, n]) => `${app}=${n}`).join(',')}` : ''}\`.`,
    '',
    '## Targets (issue 12)',
    '',
    ...headlineTable(report),
    '',
  ];
  if (shorterThanTheTargets(report)) {
    lines.push(`This run is shorter or slower than the targets' conditions (${num(TARGETS.sustainedRate)}/s, ${TARGETS.sustainedSeconds} s per stream): its figures are indicative only.`, '');
  }
  lines.push(
    ...intakeSection(report),
    ...workerApplySection(report),
    ...latencySection(report),
    ...endToEndSection(report),
    ...sustainedSection(report),
    ...timeSpentSection(report),
    ...stalenessSection(report),
    ...memorySection(report),
  );
  if (report.failures !== undefined && report.failures.length > 0) lines.push('## Failures', '', ...report.failures.map((f) => `- ${cell(f, 1_000)}`), '');
  return lines.join('\n');
}
