import type { BenchRun } from '../bench-run.js';
import { gapSection, num, verdict, type Verdict } from '../markdown-format.js';
import { measured, streamRuns, type BenchReport, type MemoryResult } from '../report-model.js';
import { TARGETS } from '../targets.js';

const limitOf = (name: string) => (name === 'gateway' ? TARGETS.gatewayRssMb : name.startsWith('worker-') ? TARGETS.workerRssMb : undefined);

/** The peak RSS of every process over all the stacks the streams ran on (each stack measured its own). */
export function runMemoryPhase(run: BenchRun): void {
  const runs = streamRuns(run.report);
  if (runs.length === 0) {
    run.report.memory = { skipped: 'no stack ran (none of latency, e2e, steps in --phases, or none was measured)' };
  } else {
    const memory: MemoryResult = { peakRssMb: {}, from: {} };
    for (const { name, run: stream } of runs) {
      for (const [app, mb] of Object.entries(stream.peakRssMb)) {
        if (mb <= (memory.peakRssMb[app] ?? -1)) continue;
        memory.peakRssMb[app] = mb;
        memory.from[app] = name;
      }
    }
    run.report.memory = memory;
  }
  run.save();
}

/** The headline rows: the gateway, and the highest of the workers. */
export function memoryTargets(report: BenchReport): { gateway: [string, Verdict]; workers: [string, Verdict] } | undefined {
  const memory = report.memory;
  if (!measured(memory)) return undefined;
  const gateway = memory.peakRssMb.gateway;
  const [top] = Object.entries(memory.peakRssMb)
    .filter(([name]) => name.startsWith('worker-'))
    .sort(([, a], [, b]) => b - a);
  return {
    gateway: gateway === undefined ? ['not measured: the gateway did not run', 'not measured'] : [`${num(gateway, 0)} MB (${memory.from.gateway})`, verdict(gateway <= TARGETS.gatewayRssMb)],
    workers: top === undefined ? ['not measured: no worker ran', 'not measured'] : [`${num(top[1], 0)} MB (${top[0]}, ${memory.from[top[0]]})`, verdict(top[1] <= TARGETS.workerRssMb)],
  };
}

export function memorySection(report: BenchReport): string[] {
  const memory = report.memory;
  const title = '## Peak memory (VmHWM, the highest over every stack of this run)';
  if (!measured(memory)) return gapSection(title, memory, report.status);
  return [
    title,
    '',
    '| process | peak RSS | during | target | |',
    '|---|---:|---|---:|---|',
    ...Object.entries(memory.peakRssMb).map(([app, mb]) => {
      const limit = limitOf(app);
      return `| ${app} | ${num(mb, 0)} MB | ${memory.from[app]} | ${limit === undefined ? '' : `<= ${limit} MB`} | ${limit === undefined ? '' : verdict(mb <= limit)} |`;
    }),
    '',
  ];
}
