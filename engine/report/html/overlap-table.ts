import { scenarioLabel } from '../../labels/human-labels.js';
import type { DateReport } from '../report-types.js';
import { formatCount, formatPercent } from './format-report-numbers.js';
import { html } from './html-template.js';
import type { SafeHtml } from './html-template.js';
import { round1 } from './svg-coordinate.js';

interface Combination {
  scenarios: string[];
  profiles: number;
}

/** Overlap rows of every date merged by scenario set; a profile counts once per date. */
function combinations(runs: readonly DateReport[]): Combination[] {
  const byKey = new Map<string, Combination>();
  for (const run of runs) {
    for (const row of run.overlap) {
      const scenarios = [...row.scenarios].sort();
      const key = JSON.stringify(scenarios);
      const c = byKey.get(key) ?? byKey.set(key, { scenarios, profiles: 0 }).get(key)!;
      c.profiles += row.profiles;
    }
  }
  return [...byKey.values()].sort((a, b) => b.profiles - a.profiles || a.scenarios.join('\0').localeCompare(b.scenarios.join('\0')));
}

/**
 * Which scenario combinations profiles had recommendations from, largest first. Over several dates
 * the figure is profiles per date on average, so it reads the same as a one-day report.
 */
export function overlapTable(runs: readonly DateReport[]): SafeHtml {
  const rows = combinations(runs);
  const total = rows.reduce((a, r) => a + r.profiles, 0);
  if (total === 0) return html`<p class="empty">No profiles with recommendations.</p>`;
  const several = rows.filter((r) => r.scenarios.length > 1).reduce((a, r) => a + r.profiles, 0);
  const perDate = runs.length > 1;
  const body = rows.map((r) => html`<tr data-overlap-size="${r.scenarios.length}"><td>${r.scenarios.map((s) => html`<span class="chip">${scenarioLabel(s)}</span>`)}</td><td class="num">${r.scenarios.length}</td><td class="num">${formatCount(perDate ? Math.round(r.profiles / runs.length) : r.profiles)}</td><td class="num">${formatPercent(r.profiles / total)}</td><td class="share"><span class="share-bar" style="width:${round1((r.profiles / total) * 100)}%"></span></td></tr>`);
  return html`<p class="lead"><strong>${formatPercent(several / total)}</strong> of profiles with recommendations had them from two or more scenarios.</p><table class="overlap"><thead><tr><th>Scenario combination</th><th class="num">Scenarios</th><th class="num">${perDate ? 'Profiles per date (average)' : 'Profiles'}</th><th class="num" colspan="2">Share</th></tr></thead><tbody>${body}</tbody></table>`;
}
