import { categoryColors } from './category-colors.js';
import { CHART_WIDTH, dateChartFrame } from './date-chart-frame.js';
import { formatCount, formatPercent, formatTickPercent } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';
import { round1 } from './svg-coordinate.js';

const HEIGHT = 260;
/** Share of a date's band left empty between bars. */
const GAP = 0.25;

export interface StackedBarsOptions {
  /** `data-chart` name, also used by tests and print styles. */
  name: string;
  label: string;
  /** Bars as shares of each date's total (a mix) instead of counts (sizes). */
  share: boolean;
  /** The words shown for a key (`at_risk` → "At risk"). */
  keyLabel: (key: string) => string;
}

/** Keys in order of first appearance: the engine writes them in config order, which readers know. */
function keysOf(values: Iterable<Readonly<Record<string, number>>>): string[] {
  const keys = new Set<string>();
  for (const v of values) for (const k of Object.keys(v)) keys.add(k);
  return [...keys];
}

/**
 * One stacked bar of accounts per date of `axisDates` (dates absent from `byDate` have no run and stay empty),
 * with an HTML legend; segment details are in each bar's tooltip.
 */
export function stackedBarsChart(axisDates: readonly string[], byDate: ReadonlyMap<string, Readonly<Record<string, number>>>, options: StackedBarsOptions): SafeHtml {
  const keys = keysOf(byDate.values());
  const colors = categoryColors(keys);
  const total = (v: Readonly<Record<string, number>>): number => Object.values(v).reduce((a, b) => a + b, 0);
  const maxTotal = Math.max(0, ...[...byDate.values()].map(total));
  const frame = dateChartFrame(axisDates, HEIGHT, 0, options.share ? 1 : maxTotal, options.share ? formatTickPercent : formatCount);
  const width = round1(frame.bandWidth * (1 - GAP));
  const bars = axisDates.map((date, i) => {
    const values = byDate.get(date);
    if (values === undefined) return null;
    const sum = total(values);
    let acc = 0;
    return keys.map((key) => {
      const n = values[key] ?? 0;
      if (n <= 0) return null;
      const [from, to] = options.share ? [acc / sum, (acc + n) / sum] : [acc, acc + n];
      acc += n;
      const top = frame.y(to);
      return html`<rect class="bar" x="${round1(frame.x(i) - width / 2)}" y="${top}" width="${width}" height="${round1(frame.y(from) - top)}" fill="${colors.get(key)!}"><title>${date} · ${options.keyLabel(key)}: ${formatCount(n)} accounts (${formatPercent(n / sum)})</title></rect>`;
    });
  });
  const legend = keys.map((key) => html`<span class="legend-item"><span class="swatch" style="background:${colors.get(key)!}"></span>${options.keyLabel(key)}</span>`);
  return html`<div class="legend">${legend}</div><svg class="chart" data-chart="${options.name}" viewBox="0 0 ${CHART_WIDTH} ${HEIGHT}" role="img" aria-label="${options.label}">${frame.axes}${bars}</svg>`;
}
