/** A small line chart as SVG (no dependency): latency percentiles per second of a run. */
export function latencyChart(points: Array<{ second: number; p50: number; p99: number }>, title: string): string {
  const width = 800;
  const height = 360;
  const margin = { left: 60, right: 20, top: 40, bottom: 40 };
  const maxX = Math.max(1, ...points.map((p) => p.second));
  const maxY = Math.max(1, ...points.map((p) => p.p99)) * 1.1;
  const x = (second: number) => margin.left + (second / maxX) * (width - margin.left - margin.right);
  const y = (ms: number) => height - margin.bottom - (ms / maxY) * (height - margin.top - margin.bottom);
  const line = (key: 'p50' | 'p99') => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.second).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const ticks = Array.from({ length: 5 }, (_, i) => (maxY / 4) * i);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>
${ticks.map((ms) => `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#ddd"/><text x="${margin.left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms.toFixed(0)} ms</text>`).join('\n')}
<text x="${width / 2}" y="${height - 8}" text-anchor="middle">seconds into the run</text>
<path d="${line('p99')}" fill="none" stroke="#d62728" stroke-width="2"/>
<path d="${line('p50')}" fill="none" stroke="#1f77b4" stroke-width="2"/>
<text x="${width - margin.right - 100}" y="${margin.top}" fill="#1f77b4">p50</text>
<text x="${width - margin.right - 60}" y="${margin.top}" fill="#d62728">p99</text>
</svg>
`;
}
