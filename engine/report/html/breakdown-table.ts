import type { BreakdownRow } from '../report-types.js';
import { dimensionLabel } from '../../labels/human-labels.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';
import { LIFT_HEADERS, liftCells } from './lift-cells.js';
import { rateBars } from './rate-bars.js';

/** Lift per value of one dimension (scenario, RFM segment, …), with the two rates as bars. */
export function breakdownTable(dimension: string, keyLabel: string, rows: readonly BreakdownRow[], minAccounts: number): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">No accounts in this breakdown.</p>`;
  const maxRate = Math.max(0, ...rows.flatMap((r) => [r.sent.rate ?? 0, r.holdout.rate ?? 0]));
  const name = dimensionLabel(dimension);
  const body = rows.map((r) => html`<tr class="${r.sufficient ? '' : 'unreliable'}"><th scope="row">${name(r.key)}</th>${liftCells(r, minAccounts)}<td class="bars">${rateBars(r.sent.rate, r.holdout.rate, maxRate)}</td></tr>`);
  return html`<table class="lift-table" data-breakdown="${dimension}"><thead><tr><th>${keyLabel}</th>${LIFT_HEADERS}<th><span class="key-sent">targeted</span> vs <span class="key-holdout">control group</span></th></tr></thead><tbody>${body}</tbody></table>`;
}
