import type { CampaignReport, Estimate, Lift } from '../report-types.js';
import { tooFewBadge } from './badges.js';
import { NO_VALUE, formatCi, formatCount, formatPercent, formatPp, formatSignedPercent } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';

function card(figure: string, label: string, value: string, sub: string, extra: SafeHtml | false = false): SafeHtml {
  return html`<div class="card" data-figure="${figure}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div>${extra}</div>`;
}

function estimateCard(figure: string, label: string, e: Estimate | null, format: (x: number) => string, why: string, extra: SafeHtml | false = false): SafeHtml {
  return card(figure, label, e === null ? NO_VALUE : format(e.value), e === null ? why : `95% CI ${formatCi(e.ci95, format)}`, extra);
}

/** The plain-language reading of the overall lift a CRM manager acts on. */
function verdict(lift: Lift, minAccounts: number): SafeHtml {
  const e = lift.absolute ?? lift.relative;
  if (e === null) return html`<p class="verdict none">No estimate: the sent or the holdout group has no accounts.</p>`;
  if (!lift.sufficient) {
    return html`<p class="verdict weak">Not enough accounts for a reliable answer: each group needs at least ${formatCount(minAccounts)} (sent ${formatCount(lift.sent.accounts)}, holdout ${formatCount(lift.holdout.accounts)}).</p>`;
  }
  if (e.ci95[0] > 0) return html`<p class="verdict up">Sent accounts converted more than the holdout; the 95% confidence interval excludes zero.</p>`;
  if (e.ci95[1] < 0) return html`<p class="verdict down">Sent accounts converted less than the holdout; the 95% confidence interval excludes zero.</p>`;
  return html`<p class="verdict flat">No clear difference between sent and holdout: the 95% confidence interval includes zero.</p>`;
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
${estimateCard('relative-lift', 'Lift, sent over holdout', lift.relative, formatSignedPercent, emptyReason, !lift.sufficient && tooFewBadge(report.min_accounts))}
${estimateCard('absolute-lift', 'Difference in conversion rate', lift.absolute, formatPp, 'no estimate: a group is empty')}
${card('sent-rate', 'Sent conversion', formatPercent(lift.sent.rate), `${formatCount(lift.sent.conversions)} of ${formatCount(lift.sent.accounts)} accounts`)}
${card('holdout-rate', 'Holdout conversion', formatPercent(lift.holdout.rate), `${formatCount(lift.holdout.conversions)} of ${formatCount(lift.holdout.accounts)} accounts`)}
${card('accounts', 'Accounts compared', formatCount(lift.sent.accounts + lift.holdout.accounts), `${formatCount(lift.sent.accounts)} sent · ${formatCount(lift.holdout.accounts)} holdout`)}
</section>
${verdict(lift, report.min_accounts)}
${open.length > 0 && html`<p class="notice open" data-notice="window-open"><strong>Window not complete</strong> for ${open.join(', ')}: the ${report.conversion_window_days}-day conversion window has not ended, so conversions for ${open.length === 1 ? 'this date' : 'these dates'} (and the pooled figures) will still rise.</p>`}
${report.missing_dates.length > 0 && html`<p class="notice missing" data-notice="missing-dates"><strong>No published run</strong> for ${formatCount(report.missing_dates.length)} date${report.missing_dates.length === 1 ? '' : 's'}: ${report.missing_dates.join(', ')}.</p>`}`;
}
