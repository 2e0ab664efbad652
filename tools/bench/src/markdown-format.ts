import { isFailed, isSkipped, type BenchReport, type Outcome } from './report-model.js';
import type { Spread } from './percentiles.js';

export type Verdict = 'met' | 'missed' | 'not measured' | 'pending';

export const num = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
/** A duration: in ms up to 10 s, in seconds above (tails of many seconds read better so). */
export const ms = (n: number | null | undefined) => (n !== null && n !== undefined && Math.abs(n) >= 10_000 ? `${num(n / 1000)} s` : `${num(n)} ms`);
/** Table cells stay on one line and keep their columns. */
export const cell = (text: string, max = 300) => {
  const line = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return line.length > max ? `${line.slice(0, max)}...` : line;
};
/** A figure, or an empty cell when there is none. */
export const blank = (n: number | undefined, format: (n: number) => string) => (n === undefined ? '' : format(n));
export const verdict = (ok: boolean): Verdict => (ok ? 'met' : 'missed');
/** "p50 / p90 / p99 (max)" of a spread, or "none". */
export const spreadCells = (spread: Spread | null) => (spread === null ? ['-', '-', '-', '-'] : [ms(spread.p50), ms(spread.p90), ms(spread.p99), ms(spread.max)]);

/** Why an outcome holds no figures, or undefined when it does. */
export function missing(outcome: Outcome<object>, status: BenchReport['status']): { text: string; verdict: Verdict } | undefined {
  if (outcome === undefined) {
    if (status === 'running') return { text: 'pending (not run yet)', verdict: 'pending' };
    return { text: `not measured: ${status === 'interrupted' ? 'the bench was interrupted' : 'the bench stopped before this phase'}`, verdict: 'not measured' };
  }
  if (isFailed(outcome)) return { text: `not measured: ${outcome.error}`, verdict: 'not measured' };
  if (isSkipped(outcome)) return { text: `not measured: ${outcome.skipped}`, verdict: 'not measured' };
  return undefined;
}

/** A section whose phase holds no figures: its title and why. */
export const gapSection = (title: string, outcome: Outcome<object>, status: BenchReport['status']) => [title, '', missing(outcome, status)?.text ?? 'pending', ''];
