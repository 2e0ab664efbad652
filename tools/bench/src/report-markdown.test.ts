import { describe, expect, it } from 'vitest';
import { readBenchOptions } from './bench-options.js';
import { targetRows } from './headline.js';
import { renderMarkdown } from './report-markdown.js';
import type { BenchReport } from './report-model.js';

const emptyReport = (status: BenchReport['status']): BenchReport => ({
  date: '2026-11-29T00:00:00.000Z',
  status,
  options: readBenchOptions([]),
  machine: { cpus: 2, node: 'v20' },
  intake: undefined,
  workerApply: undefined,
  latency: undefined,
  endToEnd: undefined,
  sustained: undefined,
  memory: undefined,
  staleness: undefined,
});

describe('the report before anything was measured', () => {
  it('lists every target of issue 12 as pending while the bench runs', () => {
    const rows = targetRows(emptyReport('running'));
    expect(rows.map((row) => row.target)).toEqual([
      "Sustained end to end, simulator's mix",
      'p99 202 -> event at 500/s (removals excluded)',
      'p99 202 -> event at 100/s (removals excluded)',
      "Worker rows/s vs PostgreSQL's batched upsert",
      'Intake throughput vs bare Fastify (32 connections)',
      'Intake p99 vs bare Fastify',
      'Oracle after every stream',
      'Gateway peak RSS',
      'Worker peak RSS (highest)',
      'Stretch: sustained end to end',
    ]);
    expect(new Set(rows.map((row) => row.verdict))).toEqual(new Set(['pending']));
  });

  it('says "not measured" with the reason once the bench was interrupted, and renders every section', () => {
    const report = { ...emptyReport('interrupted'), intake: { error: 'wrk is not installed (apt-get install wrk)' } };
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| Intake throughput vs bare Fastify (32 connections) | >= 0.7x | not measured: wrk is not installed (apt-get install wrk) | not measured |');
    for (const section of ['## Targets', '## Intake', '## Worker apply', '## Latency at fixed rates', '## End to end', '## Highest sustained rate', '## Where the time went', '## Staleness', '## Peak memory']) {
      expect(markdown).toContain(section);
    }
    expect(markdown).not.toContain('pending');
  });
});

describe('the command line', () => {
  it('defaults to the issue\'s conditions: 1,000/s for 60 s, 100/s and 500/s for the latency targets, every phase', () => {
    expect(readBenchOptions([])).toMatchObject({ rate: 1000, duration: 60, latencySteps: [100, 500], steps: [1500, 2000, 2500], phases: ['intake', 'worker-apply', 'latency', 'e2e', 'steps'] });
  });

  it('warms every stream up for 10 s by default; 0 turns it off, a negative figure is refused', () => {
    expect(readBenchOptions([]).warmUp).toBe(10);
    expect(readBenchOptions(['--warm-up', '0']).warmUp).toBe(0);
    expect(() => readBenchOptions(['--warm-up=-5'])).toThrow(/--warm-up must be 0 or more/);
  });

  it('refuses an unknown phase', () => {
    expect(() => readBenchOptions(['--phases', 'e2e,warp'])).toThrow(/not warp/);
  });

  it('takes processes per worker app for scale-out, and only for worker apps', () => {
    expect(readBenchOptions(['--replicas', 'worker-fulfillment=2,worker-items=3']).replicas).toEqual({ 'worker-fulfillment': 2, 'worker-items': 3 });
    expect(() => readBenchOptions(['--replicas', 'gateway=2'])).toThrow(/worker apps/);
  });
});
