import type { BreakdownDimension, CampaignReport, DateReport } from '../report-types.js';
import { scenarioLabel, segmentLabel } from '../../labels/human-labels.js';
import { breakdownTable } from './breakdown-table.js';
import { dateTable } from './date-table.js';
import { formatCount } from './format-report-numbers.js';
import { SafeHtml, html } from './html-template.js';
import { liftOverTimeChart } from './lift-over-time-chart.js';
import { overlapTable } from './overlap-table.js';
import { reportHeadline } from './report-headline.js';
import { REPORT_CSS } from './report-styles.js';
import { stackedBarsChart } from './stacked-bars-chart.js';

const DIMENSIONS: [BreakdownDimension, string, string][] = [
  ['scenario', 'Scenario', 'By scenario'],
  ['rfm_segment', 'RFM segment', 'By RFM segment'],
  ['treatment', 'Treatment', 'By treatment'],
  ['region', 'Region', 'By region'],
];

function panel(id: string, title: string, explain: string, body: SafeHtml): SafeHtml {
  return html`<section class="panel" id="${id}"><h2>${title}</h2><p class="explain">${explain}</p>${body}</section>`;
}

const NO_RUNS = html`<p class="empty">No published runs in this date range.</p>`;

/**
 * The campaign report as one self-contained HTML page for a CRM manager: inline CSS and
 * server-rendered SVG, no scripts and no network, every name from config or data escaped.
 */
export function renderReportHtml(report: CampaignReport): string {
  const runs = new Map<string, DateReport>(report.dates.map((d) => [d.date, d]));
  const axisDates = [...new Set([...runs.keys(), ...report.missing_dates])].sort();
  const hasRuns = runs.size > 0;
  const legendItem = (swatch: string, label: string): SafeHtml => html`<span class="legend-item"><span class="swatch ${swatch}"></span>${label}</span>`;
  const liftLegend = html`<div class="legend">${[
    legendItem('point', 'lift with 95% CI'),
    report.dates.some((d) => !d.window_complete) && legendItem('point window-open', 'conversion window still open (shaded)'),
    report.dates.some((d) => !d.lift.sufficient) && legendItem('point insufficient', `too few accounts (fewer than ${formatCount(report.min_accounts)} in a group)`),
    report.missing_dates.length > 0 && legendItem('band-missing', 'no published run'),
  ]}</div>`;
  const breakdowns = DIMENSIONS.map(([dimension, label, heading]) => html`<h3>${heading}</h3>${breakdownTable(dimension, label, report.overall.breakdowns[dimension], report.min_accounts)}`);
  const body = html`${reportHeadline(report)}
${panel('lift-over-time', 'Lift over time', 'Relative lift of targeted accounts over the control group per campaign date. Whiskers are 95% confidence intervals; an interval crossing zero means no clear effect that day.', hasRuns ? html`${liftLegend}${liftOverTimeChart(axisDates, runs)}` : NO_RUNS)}
${panel('breakdowns', 'Conversion by scenario, segment, treatment and region', 'All dates pooled. Difference is in percentage points (pp); lift is relative to the control group rate.', html`${breakdowns}`)}
${panel('segment-sizes', 'Segment sizes over time', 'Accounts per RFM segment on each campaign date.', hasRuns ? stackedBarsChart(axisDates, new Map(report.dates.map((d) => [d.date, d.segment_sizes])), { name: 'segment-sizes', label: 'Accounts per RFM segment per date', share: false, keyLabel: segmentLabel }) : NO_RUNS)}
${panel('scenario-mix', 'Scenario mix over time', 'Share of accounts whose chosen recommendation came from each scenario.', hasRuns ? stackedBarsChart(axisDates, new Map(report.dates.map((d) => [d.date, d.scenario_mix])), { name: 'scenario-mix', label: 'Share of accounts per chosen scenario per date', share: true, keyLabel: scenarioLabel }) : NO_RUNS)}
${panel('overlap', 'Scenario overlap', 'Profiles by the exact set of scenarios they had recommendations from, largest first.', hasRuns ? overlapTable(report.dates) : NO_RUNS)}
${panel('per-date', 'Per date', 'Accounts by selection status (targeted = chosen for a push), pushes delivered and dead-lettered according to the delivery ledger, and lift for each campaign date.', dateTable(report, axisDates, runs))}`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Campaign report ${report.from} to ${report.to}</title><style>${new SafeHtml(REPORT_CSS)}</style></head>
<body><main>
${body}
<footer>Lift compares targeted accounts (chosen for a push, whether or not it was delivered: intent-to-treat) with the control group (never sent). Difference: Wald 95% interval; relative lift: Katz log 95% interval. Lifts with fewer than ${formatCount(report.min_accounts)} accounts in either group are flagged as unreliable. Rendered from report.json.</footer>
</main></body></html>
`.markup;
}
