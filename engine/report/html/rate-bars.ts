import { formatPercent } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';
import { round1 } from './svg-coordinate.js';

const WIDTH = 180;
const BAR = 9;

/** Targeted and control group conversion rates as two bars on a scale shared by the whole table (`maxRate`). */
export function rateBars(sent: number | null, holdout: number | null, maxRate: number): SafeHtml {
  const bar = (rate: number | null, cls: string, y: number, label: string): SafeHtml | null =>
    rate === null ? null : html`<rect class="bar ${cls}" x="0" y="${y}" width="${maxRate > 0 ? Math.max(1, round1((rate / maxRate) * WIDTH)) : 1}" height="${BAR}"><title>${label} ${formatPercent(rate)}</title></rect>`;
  return html`<svg class="rate-bars" viewBox="0 0 ${WIDTH} ${2 * BAR + 3}" width="${WIDTH}" height="${2 * BAR + 3}" role="img" aria-label="conversion rates">${bar(sent, 'sent', 0, 'targeted')}${bar(holdout, 'holdout', BAR + 3, 'control group')}</svg>`;
}
