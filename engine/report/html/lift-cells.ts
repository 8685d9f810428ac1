import type { Estimate, Lift, RateCell } from '../report-types.js';
import { tooFewBadge } from './badges.js';
import { NO_VALUE, formatCi, formatCount, formatPercent, formatPp, formatSignedPercent } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';

/** Header cells matching `liftCells`, for every table that shows a lift. */
export const LIFT_HEADERS = html`<th class="num">Targeted conversion</th><th class="num">Control group conversion</th><th class="num">Difference (95% CI)</th><th class="num">Lift (95% CI)</th>`;

function rateCell(cell: RateCell): SafeHtml {
  return html`<td class="num">${formatPercent(cell.rate)}<div class="sub">${formatCount(cell.conversions)} of ${formatCount(cell.accounts)}</div></td>`;
}

function estimateCell(e: Estimate | null, format: (x: number) => string, why: string, badge: SafeHtml | false): SafeHtml {
  if (e === null) return html`<td class="num na">${NO_VALUE}<div class="sub">${why}</div>${badge && html`<div>${badge}</div>`}</td>`;
  return html`<td class="num">${format(e.value)}<div class="sub">${formatCi(e.ci95, format)}</div>${badge && html`<div>${badge}</div>`}</td>`;
}

/** Targeted rate, control group rate, absolute difference and relative lift, each estimate with its 95% CI. */
export function liftCells(lift: Lift, minAccounts: number): SafeHtml {
  const empty = lift.sent.accounts === 0 || lift.holdout.accounts === 0;
  const badge = !lift.sufficient && tooFewBadge(minAccounts);
  return html`${rateCell(lift.sent)}${rateCell(lift.holdout)}${estimateCell(lift.absolute, formatPp, 'a group is empty', false)}${estimateCell(lift.relative, formatSignedPercent, empty ? 'a group is empty' : 'no holdout conversion', badge)}`;
}
