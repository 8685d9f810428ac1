import { formatCount } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';

/** The one marker of an unreliable lift; tests count these, so it is rendered nowhere else. */
export function tooFewBadge(minAccounts: number): SafeHtml {
  return html`<span class="badge too-few" title="${`fewer than ${formatCount(minAccounts)} accounts in the targeted or control group: treat this lift as unreliable`}">too few accounts</span>`;
}

export function windowOpenBadge(windowDays: number): SafeHtml {
  return html`<span class="badge window-open" title="${`the ${windowDays}-day conversion window has not ended yet: conversions will still rise`}">window not complete</span>`;
}
