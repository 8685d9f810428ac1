import { formatCount, formatSignedPercent } from '../../report/html/format-report-numbers.js';
import { html } from '../../report/html/html-template.js';
import type { SafeHtml } from '../../report/html/html-template.js';
import type { CountChange } from '../preview-types.js';
import { beforeAfterBars, changeCell } from './before-after-bars.js';

/** Targeted (`send`) accounts per value of one dimension, before → after, with the change and both as bars. */
export function sendChangeTable(dimension: string, keyLabel: string, rows: readonly CountChange[], name: (key: string) => string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">No targeted accounts on either side.</p>`;
  const max = Math.max(0, ...rows.flatMap((r) => [r.before, r.after]));
  const body = rows.map(
    (r) =>
      html`<tr data-key="${r.key}"><th scope="row">${name(r.key)}</th><td class="num">${formatCount(r.before)}</td><td class="num">${formatCount(r.after)}</td>${changeCell(r.before, r.after)}<td class="num">${r.before === 0 ? (r.after === 0 ? '' : 'new') : formatSignedPercent((r.after - r.before) / r.before)}</td><td class="bars">${beforeAfterBars(r.before, r.after, max)}</td></tr>`,
  );
  return html`<table class="change-table" data-sends="${dimension}"><thead><tr><th>${keyLabel}</th><th class="num">Before</th><th class="num">After</th><th class="num">Change</th><th class="num">%</th><th><span class="swatch before"></span> before · <span class="swatch after"></span> after</th></tr></thead><tbody>${body}</tbody></table>`;
}
