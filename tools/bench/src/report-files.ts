import { renameSync, writeFileSync } from 'node:fs';
import { targetRows } from './headline.js';
import { renderMarkdown } from './report-markdown.js';
import { measured, streamRuns, type BenchReport } from './report-model.js';
import { stalenessChart } from './staleness-chart.js';
import { latencyChart } from './svg-chart.js';

/** Writes a file whole or not at all: someone may be reading the report while the bench runs. */
function writeAtomically(path: string, text: string) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/**
 * report.json (with the targets' verdicts), report.md, and the charts there are figures for:
 * latency.svg (the end-to-end run, else the fastest stream measured) and staleness.svg.
 */
export function writeReportFiles(folder: string, report: BenchReport): void {
  writeAtomically(`${folder}/report.json`, `${JSON.stringify({ ...report, targets: targetRows(report) }, null, 2)}\n`);
  writeAtomically(`${folder}/report.md`, renderMarkdown(report));
  const e2e = measured(report.endToEnd) ? { name: 'end to end', run: report.endToEnd } : undefined;
  const charted = e2e ?? streamRuns(report).sort((a, b) => b.run.rate - a.run.rate)[0];
  if (charted !== undefined && charted.run.summary.timeline.length > 0) {
    writeAtomically(`${folder}/latency.svg`, latencyChart(charted.run.summary.timeline, `202 -> sync.changes event, ${charted.name} at ${charted.run.rate}/s (p50, p99 per second)`));
  }
  if (measured(report.staleness)) {
    writeAtomically(`${folder}/staleness.svg`, stalenessChart(report.staleness.curves, `Age of the ERP's changes when a warehouse can see them (${report.staleness.source} stream)`));
  }
}
