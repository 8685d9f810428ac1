import { figureCard } from '../../report/html/figure-card.js';
import { formatCount, formatPercent, formatSignedCount, formatSignedPercent } from '../../report/html/format-report-numbers.js';
import { html } from '../../report/html/html-template.js';
import type { SafeHtml } from '../../report/html/html-template.js';
import { driftStatusLabel } from '../../labels/human-labels.js';
import { driftText, sourceText } from '../preview-labels.js';
import type { CampaignPreview } from '../preview-types.js';

/** Title, what is compared with what, and the figures a CRM manager decides on. */
export function previewHeadline(p: CampaignPreview): SafeHtml {
  const t = p.transitions;
  const { before, after } = p.sends.total;
  const overrides = (names: readonly string[]): string => (names.length === 0 ? '' : ` (overrides: ${names.join(', ')})`);
  const meta = [
    p.load.shared ? 'inputs loaded once for both runs' : `inputs loaded twice: ${p.load.reloadedFor.join(', ')} differ${p.load.reloadedFor.length === 1 ? 's' : ''}`,
    `dataset ${p.dataDir}`,
    `engine ${p.engineVersion}`,
  ].join(' · ');
  const moved = t.statusChanged + t.entered + t.left;
  return html`<header class="report-head"><h1>Campaign preview <span class="range">${p.date}</span></h1>
<p class="meta" data-side="new"><strong>New:</strong> ${sourceText(p.new.source)}${overrides(p.new.activeOverrides)}</p>
<p class="meta" data-side="old"><strong>Compared with:</strong> ${sourceText(p.old.source)}${overrides(p.old.activeOverrides)}</p>
<p class="meta">${meta}</p></header>
<section class="headline" aria-label="What changes">
${figureCard('accounts-changed', 'Accounts changed', formatCount(t.changed), `${formatPercent(t.accounts === 0 ? 0 : t.changed / t.accounts)} of ${formatCount(t.accounts)} selected`)}
${figureCard('sends', 'Targeted accounts', `${formatCount(before)} → ${formatCount(after)}`, `${formatSignedCount(after - before)}${before === 0 ? '' : ` (${formatSignedPercent((after - before) / before)})`}`)}
${figureCard('shows-changed', 'Shows changed', formatCount(t.showChanged), `accounts sent another show · ${formatCount(p.shows.changed)} shows moved`)}
${figureCard('status-changed', 'Status or selection', formatCount(moved), `${formatCount(t.statusChanged)} status · ${formatCount(t.entered)} entered · ${formatCount(t.left)} left`)}
${figureCard('drift', 'Drift guard, new config', driftStatusLabel(p.drift.new.status), driftText(p.drift.new))}
</section>
${p.warnings.map((w) => html`<p class="notice warning" data-warning="${w.kind}"><strong>Check before going live:</strong> ${w.message}.</p>`)}
${t.changed === 0 ? html`<p class="verdict flat" data-notice="no-change">No account's selection changes: the two configs select the same.</p>` : ''}`;
}
