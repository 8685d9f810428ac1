import { formatCount } from '../../report/html/format-report-numbers.js';
import { html } from '../../report/html/html-template.js';
import type { SafeHtml } from '../../report/html/html-template.js';
import type { ShowMove } from '../preview-types.js';
import { beforeAfterBars, changeCell } from './before-after-bars.js';

/** Shows whose sends moved the most one way, with their titles and categories. */
export function showMovesTable(direction: 'gained' | 'lost', moves: readonly ShowMove[]): SafeHtml {
  if (moves.length === 0) return html`<p class="empty">No show ${direction} sends.</p>`;
  const max = Math.max(0, ...moves.flatMap((m) => [m.before, m.after]));
  const body = moves.map(
    (m) =>
      html`<tr data-show="${m.showId}"><td class="num">${m.showId}</td><th scope="row">${m.title}</th><td><span class="chip">${m.category}</span></td><td class="num">${formatCount(m.before)}</td><td class="num">${formatCount(m.after)}</td>${changeCell(m.before, m.after)}<td class="bars">${beforeAfterBars(m.before, m.after, max)}</td></tr>`,
  );
  return html`<table class="show-moves" data-shows="${direction}"><thead><tr><th class="num">Show</th><th>Title</th><th>Category</th><th class="num">Sends before</th><th class="num">After</th><th class="num">Change</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}
