import type { CampaignReport, DateReport, Estimate, Lift } from '../report-types.js';
import { tooFewBadge } from './badges.js';
import { NO_VALUE, formatCi, formatCount, formatPercent, formatPp, formatSignedPercent } from './format-report-numbers.js';
import { figureCard } from './figure-card.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';

function estimateCard(figure: string, label: string, e: Estimate | null, format: (x: number) => string, why: string, extra: SafeHtml | false = false): SafeHtml {
  return figureCard(figure, label, e === null ? NO_VALUE : format(e.value), e === null ? why : `95% CI ${formatCi(e.ci95, format)}`, extra);
}

/** The plain-language reading of the overall lift a CRM manager acts on. */
function verdict(lift: Lift, minAccounts: number): SafeHtml {
  const e = lift.absolute ?? lift.relative;
  if (e === null) return html`<p class="verdict none">No estimate: the targeted or the control group has no accounts.</p>`;
  if (!lift.sufficient) {
    return html`<p class="verdict weak">Not enough accounts for a reliable answer: each group needs at least ${formatCount(minAccounts)} (targeted ${formatCount(lift.sent.accounts)}, control group ${formatCount(lift.holdout.accounts)}).</p>`;
  }
  if (e.ci95[0] > 0) return html`<p class="verdict up">Targeted accounts converted more than the control group; the 95% confidence interval excludes zero.</p>`;
  if (e.ci95[1] < 0) return html`<p class="verdict down">Targeted accounts converted less than the control group; the 95% confidence interval excludes zero.</p>`;
  return html`<p class="verdict flat">No clear difference between targeted accounts and the control group: the 95% confidence interval includes zero.</p>`;
}

/** Accepted and dead-lettered records over the dates that have a delivery ledger; null when none has. */
function deliveredTotal(dates: readonly DateReport[]): { accepted: number; deadLetter: number; dates: number; targeted: number } | null {
  const withLedger = dates.filter((d) => d.delivered !== null);
  if (withLedger.length === 0) return null;
  const sum = (f: (d: DateReport) => number): number => withLedger.reduce((a, d) => a + f(d), 0);
  return { accepted: sum((d) => d.delivered!.accepted), deadLetter: sum((d) => d.delivered!.dead_letter), dates: withLedger.length, targeted: sum((d) => d.lift.sent.accounts) };
}

/** The one-line meaning of "targeted" and "delivered" beside the figures, and what the data says about delivery. */
function armsNote(report: CampaignReport): SafeHtml {
  const delivered = deliveredTotal(report.dates);
  const itt = 'Targeted: accounts chosen for a push, whether or not it was delivered (intent-to-treat); lift compares them with the control group, which is never sent.';
  const note =
    delivered === null
      ? 'No delivery is recorded for these dates, so the figures describe targeting, not pushes received.'
      : `Delivered: pushes CleverTap accepted${delivered.dates < report.dates.length ? `, on the ${formatCount(delivered.dates)} of ${formatCount(report.dates.length)} dates with a delivery record` : ''}.`;
  return html`<p class="arms-note" data-notice="targeted">${itt} ${note}</p>`;
}

function deliveredCard(report: CampaignReport): SafeHtml {
  const d = deliveredTotal(report.dates);
  if (d === null) return figureCard('delivered', 'Delivered', NO_VALUE, 'no delivery recorded');
  return figureCard('delivered', 'Delivered', formatCount(d.accepted), `of ${formatCount(d.targeted)} targeted accounts${d.deadLetter > 0 ? ` · ${formatCount(d.deadLetter)} dead-lettered` : ''}`);
}

/** Title, overall figures, their reading, and what limits them (open windows, missing dates). */
export function reportHeadline(report: CampaignReport): SafeHtml {
  const { lift } = report.overall;
  const open = report.dates.filter((d) => !d.window_complete).map((d) => d.date);
  const runs = report.dates.length;
  const meta = [
    `${formatCount(runs)} campaign date${runs === 1 ? '' : 's'} with a run`,
    `conversion = a play of the recommended show within ${report.conversion_window_days} day${report.conversion_window_days === 1 ? '' : 's'}`,
    `engine ${report.engine_version}`,
    `generated ${report.generated_at}`,
  ].join(' · ');
  const emptyReason = lift.sent.accounts === 0 || lift.holdout.accounts === 0 ? 'no estimate: a group is empty' : 'no estimate: no holdout conversion';
  return html`<header class="report-head"><h1>Campaign report <span class="range">${report.from} to ${report.to}</span></h1><p class="meta">${meta}</p></header>
<section class="headline" aria-label="Overall lift">
${estimateCard('relative-lift', 'Lift, targeted over control group', lift.relative, formatSignedPercent, emptyReason, !lift.sufficient && tooFewBadge(report.min_accounts))}
${estimateCard('absolute-lift', 'Difference in conversion rate', lift.absolute, formatPp, 'no estimate: a group is empty')}
${figureCard('sent-rate', 'Targeted conversion', formatPercent(lift.sent.rate), `${formatCount(lift.sent.conversions)} of ${formatCount(lift.sent.accounts)} accounts`)}
${figureCard('holdout-rate', 'Control group conversion', formatPercent(lift.holdout.rate), `${formatCount(lift.holdout.conversions)} of ${formatCount(lift.holdout.accounts)} accounts`)}
${figureCard('accounts', 'Accounts compared', formatCount(lift.sent.accounts + lift.holdout.accounts), `${formatCount(lift.sent.accounts)} targeted · ${formatCount(lift.holdout.accounts)} control group`)}
${deliveredCard(report)}
</section>
${armsNote(report)}
${verdict(lift, report.min_accounts)}
${open.length > 0 && html`<p class="notice open" data-notice="window-open"><strong>Window not complete</strong> for ${open.join(', ')}: the ${report.conversion_window_days}-day conversion window has not ended, so conversions for ${open.length === 1 ? 'this date' : 'these dates'} (and the pooled figures) will still rise.</p>`}
${report.missing_dates.length > 0 && html`<p class="notice missing" data-notice="missing-dates"><strong>No published run</strong> for ${formatCount(report.missing_dates.length)} date${report.missing_dates.length === 1 ? '' : 's'}: ${report.missing_dates.join(', ')}.</p>`}`;
}
