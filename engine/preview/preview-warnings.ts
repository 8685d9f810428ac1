import { scenarioLabel } from '../labels/human-labels.js';
import { count, percent } from '../labels/plain-numbers.js';
import type { PreviewWarning, SendChanges, ShowMoves } from './preview-types.js';

export const DEFAULT_MAX_TITLE_SHARE = 0.2;

/**
 * What a CRM manager should look at before the new config goes live: one title taking more than
 * `maxTitleShare` of the sends (a boost or a filter concentrating the campaign on one show), and
 * any scenario or region that had sends and has none (a filter or window that silently empties it).
 */
export function previewWarnings(sends: SendChanges, shows: ShowMoves, maxTitleShare: number): PreviewWarning[] {
  const warnings: PreviewWarning[] = [];
  const { before, after } = sends.total;
  const top = shows.mostSent;
  if (top !== null && after > 0 && top.after / after > maxTitleShare) {
    const was = before === 0 ? `${count(top.before)}` : `${count(top.before)} (${percent(top.before / before)})`;
    warnings.push({
      kind: 'title_share',
      key: String(top.showId),
      message: `one title takes ${percent(top.after / after)} of sends: ${top.showId} "${top.title}" (${top.category}) ${count(top.after)} of ${count(after)}, was ${was}; the warning level is ${percent(maxTitleShare)}`,
    });
  }
  for (const r of sends.scenario) {
    if (r.before > 0 && r.after === 0) warnings.push({ kind: 'scenario_dropped', key: r.key, message: `scenario ${scenarioLabel(r.key)} drops to zero sends (was ${count(r.before)})` });
  }
  for (const r of sends.region) {
    if (r.before > 0 && r.after === 0) warnings.push({ kind: 'region_dropped', key: r.key, message: `region ${r.key} drops to zero sends (was ${count(r.before)})` });
  }
  return warnings;
}
