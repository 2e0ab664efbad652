import type { StalenessCurve } from './staleness.js';

const COLOURS = ['#1f77b4', '#ff7f0e', '#d62728', '#2ca02c'];

/** A decade's label on the age axis: "10 ms", "1 s", "1000 s". */
const decadeLabel = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${ms / 1_000} s`);

/** An age as a person reads it: "38 ms", "4.2 s", "7.6 min". */
export function formatAge(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * The staleness distributions as an SVG chart (no dependency): for each way of getting the ERP's
 * changes, the share of changes a warehouse client can see by a given age, on a log scale of age.
 */
export function stalenessChart(curves: readonly StalenessCurve[], title: string): string {
  const width = 800;
  const height = 380;
  const margin = { left: 60, right: 20, top: 40, bottom: 50 };
  const ages = curves.flatMap((curve) => curve.cdf.map(([ms]) => Math.max(1, ms)));
  const low = Math.floor(Math.log10(Math.max(1, Math.min(...ages))));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...ages))));
  const x = (ms: number) => margin.left + ((Math.log10(Math.max(1, ms)) - low) / (high - low)) * (width - margin.left - margin.right);
  const y = (percent: number) => height - margin.bottom - (percent / 100) * (height - margin.top - margin.bottom);
  const decades = Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
  const path = (curve: StalenessCurve) => curve.cdf.map(([ms, p], i) => `${i === 0 ? 'M' : 'L'}${x(ms).toFixed(1)},${y(p).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>
${[0, 25, 50, 75, 100].map((p) => `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(p)}" y2="${y(p)}" stroke="#ddd"/><text x="${margin.left - 6}" y="${y(p) + 4}" text-anchor="end">${p} %</text>`).join('\n')}
${decades.map((ms) => `<line x1="${x(ms)}" x2="${x(ms)}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#eee"/><text x="${x(ms)}" y="${height - margin.bottom + 16}" text-anchor="middle">${decadeLabel(ms)}</text>`).join('\n')}
<text x="${width / 2}" y="${height - 10}" text-anchor="middle">age of the change when a warehouse client can see it (log scale)</text>
${curves.map((curve, i) => `<path d="${path(curve)}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/>`).join('\n')}
${curves.map((curve, i) => `<text x="${margin.left + 10}" y="${margin.top + 16 * (i + 1)}" fill="${COLOURS[i % COLOURS.length]}">${curve.name}: p50 ${formatAge(curve.p50Ms)}, p99 ${formatAge(curve.p99Ms)}</text>`).join('\n')}
</svg>
`;
}
