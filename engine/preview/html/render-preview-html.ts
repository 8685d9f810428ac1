import type { DriftCheck } from '../../drift/drift-types.js';
import { formatCount, formatPercent, formatPp, formatSignedPercent } from '../../report/html/format-report-numbers.js';
import { html, SafeHtml } from '../../report/html/html-template.js';
import { stackedBarsChart } from '../../report/html/stacked-bars-chart.js';
import { dimensionLabel, scenarioLabel, statusLabel } from '../../labels/human-labels.js';
import { configValueText, driftText } from '../preview-labels.js';
import type { CampaignPreview, SendDimension } from '../preview-types.js';
import { changedAccountsTable } from './changed-accounts-table.js';
import { previewHeadline } from './preview-headline.js';
import { PREVIEW_CSS } from './preview-styles.js';
import { sendChangeTable } from './send-change-table.js';
import { showMovesTable } from './show-moves-table.js';
import { transitionMatrixTable } from './transition-matrix-table.js';

const DIMENSIONS: [SendDimension, string, string][] = [
  ['scenario', 'Scenario', 'By scenario'],
  ['rfm_segment', 'RFM segment', 'By RFM segment'],
  ['treatment', 'Treatment', 'By treatment'],
  ['region', 'Region', 'By region'],
];

/** A share check reads in percent and points, a count check in counts and relative change (as the guard measures them). */
function driftCheckRow(c: DriftCheck): SafeHtml {
  const share = c.metric.startsWith('send_share.');
  const value = share ? formatPercent : formatCount;
  const change = share ? formatPp(c.change) : formatSignedPercent(c.change);
  const limit = share ? `±${(c.limit * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} pp` : `±${formatPercent(c.limit)}`;
  return html`<tr data-metric="${c.metric}" class="${c.exceeded ? 'unreliable' : ''}"><th scope="row">${c.metric}</th><td class="num">${value(c.previous)}</td><td class="num">${value(c.current)}</td><td class="num">${change}</td><td class="num">${limit}</td><td>${c.exceeded ? html`<span class="badge too-few">exceeded</span>` : 'no'}</td></tr>`;
}

function panel(id: string, title: string, explain: string, body: SafeHtml): SafeHtml {
  return html`<section class="panel" id="${id}"><h2>${title}</h2><p class="explain">${explain}</p>${body}</section>`;
}

/**
 * The preview as one self-contained page in the campaign report's style (its stylesheet, cards,
 * charts and escaping): inline CSS and server-drawn SVG, no scripts and no network.
 */
export function renderPreviewHtml(p: CampaignPreview): string {
  const changes =
    p.configChanges.length === 0
      ? html`<p class="empty">The two effective configs are identical.</p>`
      : html`<table class="config-changes"><thead><tr><th>Key</th><th>Before</th><th>After</th></tr></thead><tbody>${p.configChanges.map((c) => html`<tr data-key="${c.key}"><th scope="row">${c.key}</th><td class="value">${configValueText(c.old)}</td><td class="value">${configValueText(c.new)}</td></tr>`)}</tbody></table>`;
  const mix = stackedBarsChart(
    ['before', 'after'],
    new Map(['before', 'after'].map((side) => [side, Object.fromEntries(p.sends.scenario.map((r) => [r.key, side === 'before' ? r.before : r.after]))])),
    { name: 'send-mix', label: 'Targeted accounts per scenario, before and after', share: false, keyLabel: scenarioLabel },
  );
  const sends = DIMENSIONS.map(([dimension, label, heading]) => html`<h3>${heading}</h3>${sendChangeTable(dimension, label, p.sends[dimension], dimensionLabel(dimension))}`);
  const drift = p.drift.new;
  const checks =
    drift.checks.length === 0
      ? html`<p class="empty">No bound was checked.</p>`
      : html`<table class="drift-checks"><thead><tr><th>Metric</th><th class="num">Previous</th><th class="num">With the new config</th><th class="num">Change</th><th class="num">Limit</th><th>Exceeded</th></tr></thead><tbody>${drift.checks.map((c) => driftCheckRow(c))}</tbody></table>`;
  const body = html`${previewHeadline(p)}
${panel('config-changes', 'Config changes', 'Effective config keys that differ on the date (overrides merged).', changes)}
${panel('transitions', 'Transitions', `Accounts by their selection before (rows) and after (columns). ${formatCount(p.transitions.scenarioChanged)} changed scenario, ${formatCount(p.transitions.statusChanged)} status, ${formatCount(p.transitions.profileChanged)} chosen profile, ${formatCount(p.transitions.segmentChanged)} segment, ${formatCount(p.transitions.treatmentChanged)} treatment.`, html`<h3>Scenario</h3>${transitionMatrixTable('scenario', 'scenario', p.transitions.scenario, scenarioLabel)}<h3>Status</h3>${transitionMatrixTable('status', 'status', p.transitions.status, statusLabel)}`)}
${panel('sends', 'Sends before and after', 'Targeted accounts (chosen for a push), by chosen scenario, RFM segment, treatment and the chosen profile’s region.', html`${mix}${sends}`)}
${panel('shows', 'Shows gained and lost', `Targeted accounts per chosen show; the largest moves first. ${formatCount(p.shows.changed)} shows changed.`, html`<h3>Gained</h3>${showMovesTable('gained', p.shows.gained)}<h3>Lost</h3>${showMovesTable('lost', p.shows.lost)}`)}
${panel('sample', 'Changed accounts', `A sample of ${formatCount(p.sample.length)} of ${formatCount(p.transitions.changed)} changed accounts, spread over the transitions, with the first difference in the decision chain and what moved it.`, changedAccountsTable(p.sample))}
${panel('drift', 'Drift guard', `What the drift guard would say of a run with the new config against the latest published run before ${p.date} (the old config: ${driftText(p.drift.old)}).`, html`<p class="verdict ${drift.status === 'no_baseline' || drift.status === 'off' ? 'none' : drift.status}">${driftText(drift)}</p>${drift.reasons.map((r) => html`<p class="notice missing">${r}</p>`)}${checks}`)}`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Campaign preview ${p.date}</title><style>${new SafeHtml(PREVIEW_CSS)}</style></head>
<body><main>
${body}
<footer>Both runs are the engine's own, from one dataset; neither was published or delivered. Rendered from the preview JSON.</footer>
</main></body></html>
`.markup;
}
