import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';

/** One headline figure: a label, the value large, a line under it; `data-figure` names it for readers and tests. */
export function figureCard(figure: string, label: string, value: string, sub: string, extra: SafeHtml | false = false): SafeHtml {
  return html`<div class="card" data-figure="${figure}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div>${extra}</div>`;
}
