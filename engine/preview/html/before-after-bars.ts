import { formatCount } from '../../report/html/format-report-numbers.js';
import { html } from '../../report/html/html-template.js';
import type { SafeHtml } from '../../report/html/html-template.js';
import { round1 } from '../../report/html/svg-coordinate.js';

const WIDTH = 180;
const BAR = 9;

/** A count before and after as two bars on a scale shared by the whole table (`max`). */
export function beforeAfterBars(before: number, after: number, max: number): SafeHtml {
  const bar = (n: number, cls: string, y: number): SafeHtml =>
    html`<rect class="bar ${cls}" x="0" y="${y}" width="${max > 0 ? Math.max(n > 0 ? 1 : 0, round1((n / max) * WIDTH)) : 0}" height="${BAR}"><title>${cls} ${formatCount(n)}</title></rect>`;
  return html`<svg class="before-after" viewBox="0 0 ${WIDTH} ${2 * BAR + 3}" width="${WIDTH}" height="${2 * BAR + 3}" role="img" aria-label="before and after">${bar(before, 'before', 0)}${bar(after, 'after', BAR + 3)}</svg>`;
}

/** The change after − before, signed, coloured by direction. */
export function changeCell(before: number, after: number): SafeHtml {
  const d = after - before;
  const direction = d > 0 ? 'up' : d < 0 ? 'down' : 'flat';
  return html`<td class="num change ${direction}">${d > 0 ? '+' : d < 0 ? '\u2212' : ''}${formatCount(Math.abs(d))}</td>`;
}
