import type { IntervalPoint } from './rate-history';
import { WINDOW_MS } from './rate-history';

const WIDTH = 640;
const HEIGHT = 160;
/** Room for the axis words below and a margin above, so a flat series stays visible. */
const TOP = 8;
const BOTTOM = 20;

/** The chart spans what this page has seen, from half a minute up to the whole window. */
const MIN_SPAN_MS = 30_000;

const ago = (ms: number) => (ms < 120_000 ? `−${Math.round(ms / 1000)} s` : `−${(ms / 60_000).toFixed(1)} min`);

/** An SVG polyline of one series over the span, scaled to its own maximum. */
function line(points: readonly IntervalPoint[], value: (p: IntervalPoint) => number | null, now: number, span: number, max: number): string {
  return points
    .filter((p) => value(p) !== null)
    .map((p) => {
      const x = WIDTH - ((now - p.at) / span) * WIDTH;
      const y = HEIGHT - BOTTOM - ((value(p) ?? 0) / (max || 1)) * (HEIGHT - BOTTOM - TOP);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * Throughput (changes applied per second) and lag (202 to commit) over the last minutes, each on
 * its own scale, computed from the status polls of this page (so it starts empty).
 */
export function LagChart({ points, now }: { points: readonly IntervalPoint[]; now: number }) {
  const span = Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, ...points.map((p) => now - p.at)));
  const maxRate = Math.max(1, ...points.map((p) => p.appliedPerSecond));
  const maxLag = Math.max(1, ...points.map((p) => p.lagMs ?? 0));
  const peakRate = Math.max(0, ...points.map((p) => p.appliedPerSecond));
  const peakLag = Math.max(0, ...points.map((p) => p.lagMs ?? 0));
  const last = points[points.length - 1];
  const summary = last
    ? `Now ${last.appliedPerSecond.toFixed(1)} changes applied per second, lag ${last.lagMs === null ? 'none' : `${Math.round(last.lagMs)} ms`}; peaks ${peakRate.toFixed(1)}/s and ${Math.round(peakLag)} ms in this chart.`
    : 'Collecting: the chart fills as this page polls the status.';
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Throughput and lag, last ${ago(span).slice(1)}. ${summary}`}>
        <rect x="0" y="0" width={WIDTH} height={HEIGHT} className="chart-bg" />
        {[0, 0.5, 1].map((f) => (
          <line key={f} x1="0" x2={WIDTH} y1={HEIGHT - BOTTOM - f * (HEIGHT - BOTTOM - TOP)} y2={HEIGHT - BOTTOM - f * (HEIGHT - BOTTOM - TOP)} className="chart-grid" />
        ))}
        <text x="4" y={HEIGHT - 5} className="chart-axis">{ago(span)}</text>
        <text x={WIDTH / 2} y={HEIGHT - 5} className="chart-axis" textAnchor="middle">{ago(span / 2)}</text>
        <text x={WIDTH - 4} y={HEIGHT - 5} className="chart-axis" textAnchor="end">now</text>
        <polyline points={line(points, (p) => p.appliedPerSecond, now, span, maxRate)} className="series-rate" fill="none" />
        <polyline points={line(points, (p) => p.lagMs, now, span, maxLag)} className="series-lag" fill="none" />
      </svg>
      <figcaption>
        <span className="legend-rate">■ applied/s (max {maxRate.toFixed(1)})</span> <span className="legend-lag">■ lag ms (max {Math.round(maxLag)})</span>
        <br />
        {summary}
      </figcaption>
    </figure>
  );
}
