import { formatCount } from '../../report/html/format-report-numbers.js';
import { html } from '../../report/html/html-template.js';
import type { SafeHtml } from '../../report/html/html-template.js';
import type { TransitionMatrix } from '../preview-types.js';

/**
 * Accounts by old value (rows) × new value (columns), only the values some account has on either
 * side. The diagonal is unchanged; other non-zero cells are shaded by their share of the moves.
 */
export function transitionMatrixTable(name: string, what: string, m: TransitionMatrix, words: (value: string) => string): SafeHtml {
  const rowUsed = m.old.map((_, i) => m.counts[i]!.some((n) => n > 0));
  const colUsed = m.new.map((_, j) => m.counts.some((row) => row[j]! > 0));
  if (!rowUsed.some(Boolean)) return html`<p class="empty">No account has a selection row on either side.</p>`;
  let maxMoved = 0;
  m.counts.forEach((row, i) => row.forEach((n, j) => (maxMoved = i === j ? maxMoved : Math.max(maxMoved, n))));
  const cols = m.new.map((label, j) => colUsed[j] && html`<th scope="col">${words(label)}</th>`);
  const rows = m.old.map(
    (label, i) =>
      rowUsed[i] &&
      html`<tr data-old="${label}"><th scope="row">${words(label)}</th>${m.new.map((to, j) => {
        if (!colUsed[j]) return null;
        const n = m.counts[i]![j]!;
        const cls = i === j ? 'same' : n > 0 ? 'moved' : '';
        const shade = i !== j && n > 0 ? ` background: rgba(47, 111, 176, ${(0.12 + (0.5 * n) / maxMoved).toFixed(2)})` : '';
        return html`<td class="num ${cls}" data-new="${to}" style="${shade}">${formatCount(n)}</td>`;
      })}</tr>`,
  );
  return html`<table class="matrix" data-matrix="${name}"><thead><tr><th class="corner">${what}: old ↓ new →</th>${cols}</tr></thead><tbody>${rows}</tbody></table>`;
}
