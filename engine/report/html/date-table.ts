import type { CampaignReport, DateReport } from '../report-types.js';
import { statusLabel } from '../../labels/human-labels.js';
import { windowOpenBadge } from './badges.js';
import { NO_VALUE, formatCount } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';
import { LIFT_HEADERS, liftCells } from './lift-cells.js';

/** Selection statuses in the order of the selection rules; any other status the engine reports follows. */
const KNOWN_STATUSES = ['send', 'holdout', 'frequency_capped', 'no_candidates'];

function statusesOf(runs: readonly DateReport[]): string[] {
  const keys = new Set(KNOWN_STATUSES);
  for (const r of runs) for (const k of Object.keys(r.status)) keys.add(k);
  return [...keys];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** One row per calendar date of the report (missing dates included), then the pooled total. */
export function dateTable(report: CampaignReport, axisDates: readonly string[], runs: ReadonlyMap<string, DateReport>): SafeHtml {
  const statuses = statusesOf(report.dates);
  const delivered = report.dates.flatMap((r) => (r.delivered === null ? [] : [r.delivered]));
  const deliveredCells = (d: DateReport['delivered']): SafeHtml =>
    d === null ? html`<td class="num na" title="no delivery ledger found">${NO_VALUE}</td><td class="num na">${NO_VALUE}</td>` : html`<td class="num">${formatCount(d.accepted)}</td><td class="num">${formatCount(d.dead_letter)}</td>`;
  const columns = 1 + statuses.length + 2 + 4;
  const rows = axisDates.map((date) => {
    const run = runs.get(date);
    if (run === undefined) return html`<tr class="missing" data-date="${date}"><th scope="row">${date}</th><td colspan="${columns - 1}" class="missing-note">no published run for this date</td></tr>`;
    return html`<tr class="${run.lift.sufficient ? '' : 'unreliable'}" data-date="${date}"><th scope="row">${date}<div class="run-id" title="${run.run_id}">run ${run.run_id.startsWith(`${date}-`) ? run.run_id.slice(date.length + 1) : run.run_id}</div>${!run.window_complete && html`<div>${windowOpenBadge(report.conversion_window_days)}</div>`}</th>${statuses.map((s) => html`<td class="num">${formatCount(run.status[s] ?? 0)}</td>`)}${deliveredCells(run.delivered)}${liftCells(run.lift, report.min_accounts)}</tr>`;
  });
  const total = html`<tr class="${report.overall.lift.sufficient ? 'total' : 'total unreliable'}" data-date="all"><th scope="row">All dates</th>${statuses.map((s) => html`<td class="num">${formatCount(sum(report.dates.map((r) => r.status[s] ?? 0)))}</td>`)}${deliveredCells(delivered.length === 0 ? null : { accepted: sum(delivered.map((d) => d.accepted)), dead_letter: sum(delivered.map((d) => d.dead_letter)) })}${liftCells(report.overall.lift, report.min_accounts)}</tr>`;
  const head = html`<tr><th>Date and run</th>${statuses.map((s) => html`<th class="num">${statusLabel(s)}</th>`)}<th class="num">Delivered</th><th class="num">Dead letters</th>${LIFT_HEADERS}</tr>`;
  return html`<table class="lift-table dates"><thead>${head}</thead><tbody>${rows}</tbody><tfoot>${total}</tfoot></table>`;
}
