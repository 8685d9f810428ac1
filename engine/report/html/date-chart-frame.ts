import { formatShortDate } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';
import { niceTicks } from './nice-ticks.js';
import { round1 } from './svg-coordinate.js';

export const CHART_WIDTH = 1100;
const MARGIN = { top: 14, right: 12, bottom: 46, left: 64 };
/** Below this many pixels per date, axis labels would overlap, so only every k-th date is labelled. */
const MIN_LABEL_PX = 58;

/** Coordinates and axes of a chart with one band per date on x and a numeric y axis. */
export interface DateChartFrame {
  bandWidth: number;
  /** Centre x of the i-th date's band. */
  x(i: number): number;
  y(value: number): number;
  /** y of the x axis line, where per-date annotations go below. */
  baseline: number;
  /** Whether every date has its own axis label, i.e. bands are wide enough for per-date text. */
  roomy: boolean;
  /** A background rectangle over the i-th date's band, to mark the whole date. */
  shade(i: number, cls: string): SafeHtml;
  domain: [number, number];
  axes: SafeHtml;
}

export function dateChartFrame(dates: readonly string[], height: number, yMin: number, yMax: number, formatTick: (v: number) => string): DateChartFrame {
  const { ticks, domain } = niceTicks(yMin, yMax);
  const plotWidth = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotBottom = height - MARGIN.bottom;
  const bandWidth = plotWidth / Math.max(dates.length, 1);
  const x = (i: number): number => round1(MARGIN.left + bandWidth * (i + 0.5));
  const y = (v: number): number => round1(plotBottom - ((v - domain[0]) / (domain[1] - domain[0])) * (plotBottom - MARGIN.top));
  const every = Math.max(1, Math.ceil(MIN_LABEL_PX / bandWidth));
  const grid = ticks.map((t) => html`<line class="grid${t === 0 ? ' zero' : ''}" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}"/><text class="tick" x="${MARGIN.left - 8}" y="${y(t) + 4}" text-anchor="end">${formatTick(t)}</text>`);
  const labels = dates.map((d, i) => i % every === 0 && html`<text class="tick" x="${x(i)}" y="${plotBottom + 16}" text-anchor="middle">${formatShortDate(d)}</text>`);
  const axes = html`${grid}<line class="axis" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${plotBottom}" y2="${plotBottom}"/>${labels}`;
  const shade = (i: number, cls: string): SafeHtml =>
    html`<rect class="${cls}" x="${round1(x(i) - bandWidth / 2)}" y="${MARGIN.top}" width="${round1(bandWidth)}" height="${plotBottom - MARGIN.top}"/>`;
  return { bandWidth, x, y, baseline: plotBottom, roomy: every === 1, shade, domain, axes };
}
