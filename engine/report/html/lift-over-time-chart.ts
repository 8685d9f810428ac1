import type { DateReport, Estimate } from '../report-types.js';
import { CHART_WIDTH, dateChartFrame } from './date-chart-frame.js';
import { formatCi, formatCount, formatPercent, formatSignedPercent, formatTickPercent } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';
import { round1 } from './svg-coordinate.js';

const HEIGHT = 300;
const CAP = 5;
/** Value labels next to points only when they cannot run into the next date's point. */
const MIN_LABEL_BAND = 80;

function finite(e: Estimate): boolean {
  return [e.value, ...e.ci95].every(Number.isFinite);
}

/**
 * Relative lift per date as a point with 95% CI whiskers, on the calendar of `axisDates`; dates
 * without a run and dates whose conversion window is still open are shaded. The y range follows
 * the reliable dates; the wide intervals of "too few accounts" dates are clipped (with an arrow)
 * rather than squashing every other date.
 */
export function liftOverTimeChart(axisDates: readonly string[], runs: ReadonlyMap<string, DateReport>): SafeHtml {
  const estimates = [...runs.values()].map((r) => r.lift).filter((l) => l.relative !== null && finite(l.relative));
  const reliable = estimates.filter((l) => l.sufficient);
  const ranged = (reliable.length > 0 ? reliable : estimates).flatMap((l) => l.relative!.ci95);
  const frame = dateChartFrame(axisDates, HEIGHT, Math.min(0, ...ranged), Math.max(0, ...ranged), formatTickPercent);
  const [lo, hi] = frame.domain;
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  const labelled = frame.bandWidth >= MIN_LABEL_BAND;
  // Shading first so gridlines and points stay on top of it.
  const shading = axisDates.map((date, i) => {
    const run = runs.get(date);
    const state = run === undefined ? 'missing' : run.window_complete ? null : 'open';
    if (state === null) return null;
    return html`${frame.shade(i, `band ${state}`)}${frame.roomy && html`<text class="note ${state}" x="${frame.x(i)}" y="${frame.baseline + 32}" text-anchor="middle">${state === 'open' ? 'open' : 'no run'}</text>`}`;
  });
  const marks = axisDates.map((date, i) => {
    const x = frame.x(i);
    const run = runs.get(date);
    if (run === undefined) return null;
    const { lift } = run;
    if (lift.relative === null || !finite(lift.relative)) {
      return html`<text class="lift-na" x="${x}" y="${frame.y(0) - 6}" text-anchor="middle"><title>${date}: no estimate (${lift.sent.accounts === 0 || lift.holdout.accounts === 0 ? 'a group is empty' : 'no holdout conversion'})</title>n/a</text>`;
    }
    const { value, ci95 } = lift.relative;
    const [yLo, yHi, yValue] = [frame.y(clamp(ci95[0])), frame.y(clamp(ci95[1])), frame.y(clamp(value))];
    const cls = `lift-point${lift.sufficient ? '' : ' insufficient'}${run.window_complete ? '' : ' window-open'}`;
    const notes = [!lift.sufficient && 'too few accounts', !run.window_complete && 'conversion window still open'].filter(Boolean).join(' · ');
    const title = `${date}: lift ${formatSignedPercent(value)} (95% CI ${formatCi(ci95, formatSignedPercent)}) · sent ${formatPercent(lift.sent.rate)} of ${formatCount(lift.sent.accounts)} · holdout ${formatPercent(lift.holdout.rate)} of ${formatCount(lift.holdout.accounts)}${notes === '' ? '' : ` · ${notes}`}`;
    const cap = (y: number): SafeHtml => html`<line class="cap" x1="${round1(x - CAP)}" x2="${round1(x + CAP)}" y1="${y}" y2="${y}"/>`;
    const arrow = (y: number, dir: 1 | -1): SafeHtml => html`<path class="clip" d="M${round1(x - CAP)} ${y + dir * CAP}L${x} ${y}L${round1(x + CAP)} ${y + dir * CAP}"/>`;
    return html`<g class="${cls}"><title>${title}</title><line class="whisker" x1="${x}" x2="${x}" y1="${yLo}" y2="${yHi}"/>${ci95[0] < lo ? arrow(yLo, -1) : cap(yLo)}${ci95[1] > hi ? arrow(yHi, 1) : cap(yHi)}<circle cx="${x}" cy="${yValue}" r="4.5"/>${labelled && html`<text class="point-label" x="${x + 9}" y="${yValue + 4}">${formatSignedPercent(value)}</text>`}</g>`;
  });
  return html`<svg class="chart" data-chart="lift-over-time" viewBox="0 0 ${CHART_WIDTH} ${HEIGHT}" role="img" aria-label="Relative lift of sent over holdout per campaign date, with 95% confidence intervals">${shading}${frame.axes}${marks}</svg>`;
}
