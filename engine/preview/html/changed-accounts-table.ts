import { html } from '../../report/html/html-template.js';
import type { SafeHtml } from '../../report/html/html-template.js';
import { selectionText } from '../preview-labels.js';
import type { ChangedAccount } from '../preview-types.js';

/** The sampled changed accounts: the selection row before and after, what changed, and why. */
export function changedAccountsTable(sample: readonly ChangedAccount[]): SafeHtml {
  if (sample.length === 0) return html`<p class="empty">No account's selection changes.</p>`;
  const body = sample.map(
    (c) =>
      html`<tr data-account="${c.accountId}"><td class="num">${c.accountId}</td><td class="row">${selectionText(c.old)}</td><td class="row">${selectionText(c.new)}</td><td>${c.changes.map((k) => html`<span class="chip">${k}</span>`)}</td><td class="reason">${c.reason}</td></tr>`,
  );
  return html`<table class="sample"><thead><tr><th class="num">Account</th><th>Before</th><th>After</th><th>Changed</th><th>Why</th></tr></thead><tbody>${body}</tbody></table>`;
}
