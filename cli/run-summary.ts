import { ineligibleLabel, scenarioLabel } from '../engine/labels/human-labels.js';
import { count, percent, plural } from '../engine/labels/plain-numbers.js';
import { driftText } from '../engine/preview/preview-labels.js';
import type { PlaysCacheReport } from '../engine/load/plays-cache.js';
import type { RunCampaignResult } from '../engine/run-campaign.js';
import { formatMs } from './progress-reporter.js';

/** Terminal width the summary fits (a 100-column terminal, or a CI log). */
export const SUMMARY_WIDTH = 100;
const LABEL = 14;

/** Rows read of each table a push needs, as the counts hold them: an empty one shows as such. */
const INPUT_ROWS = [
  ['catalog', 'episodes', 'episodes'],
  ['accounts', 'rows', 'accounts'],
  ['profiles', 'rows', 'profiles'],
  ['plays', 'rows', 'plays'],
] as const;

/** Why a play was not counted, in words (the manifest's `plays_dropped` keys). */
const DROPPED: Readonly<Record<string, string>> = {
  future: 'on or after the date',
  unknown_profile: 'unknown profile',
  tombstoned: 'deleted profile',
  unknown_content: 'unknown title',
  short: 'too short',
};

/**
 * `label  item · item · …`, wrapped between items (never inside one) so that no line is longer
 * than `SUMMARY_WIDTH`; continuation lines start under the first item.
 */
export function labelledItems(label: string, items: readonly string[]): string[] {
  const indent = ' '.repeat(2 + LABEL);
  const lines: string[] = [];
  let line = `  ${label.padEnd(LABEL - 1)} `;
  let empty = true;
  for (const [i, item] of items.entries()) {
    const piece = `${item}${i < items.length - 1 ? ' ·' : ''}`;
    if (!empty && line.length + 1 + piece.length > SUMMARY_WIDTH) {
      lines.push(line);
      line = indent + piece;
    } else {
      line += `${empty ? '' : ' '}${piece}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

function itemsOf(values: Record<string, number> | undefined, name: (key: string) => string): string[] {
  return Object.entries(values ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${count(n)} ${name(k)}`);
}

/**
 * The short human summary of a run: the funnel from households to pushes first, then where
 * profiles and plays were left out, the pushes per scenario, and the run's checks and timings.
 */
export function formatRunSummary(r: RunCampaignResult): string {
  const c = r.counts;
  const at = (group: string, key: string): number => c[group]?.[key] ?? 0;
  const households = at('rollup', 'accounts');
  const pushes = at('status', 'send');
  const outputs = r.manifest['outputs'] as { scenarios: Record<string, number>; 'selection.parquet': number; 'payloads.ndjson': number };
  const notSent = [
    `${count(at('status', 'holdout'))} control group`,
    `${count(at('rollup', 'no_recommendation'))} without a recommendation`,
    `${count(at('status', 'frequency_capped'))} frequency capped`,
    `${count(at('status', 'no_candidates'))} no candidates`,
  ];
  const scenarioFiles = Object.entries(outputs.scenarios).map(([file, n]) => `${scenarioLabel(file.replace(/^scenarios\/|\.parquet$/g, ''))} ${count(n)}`);
  return [
    `run ${r.runId} → ${r.outputDir}`,
    `${plural(pushes, 'push', 'pushes')} for ${plural(households, 'household')}: ${households === 0 ? '–' : percent(pushes / households)}`,
    ...labelledItems('inputs', INPUT_ROWS.map(([group, key, noun]) => `${count(at(group, key))} ${noun}${at(group, key) === 0 ? ' (empty)' : ''}`)),
    ...labelledItems('households', [`${count(households)} → ${count(at('rollup', 'reached_rollup'))} with a recommendation → ${count(pushes)} targeted`]),
    ...labelledItems('', ['not sent:', ...notSent]).map((l) => l.replace('not sent: ·', 'not sent:')),
    ...labelledItems('profiles', [`${count(at('profiles', 'rows'))} read`, `${count(at('profiles', 'tombstoned'))} deleted`, `${count(at('profiles', 'eligible'))} eligible`]),
    ...labelledItems('', ['not eligible:', ...itemsOf(c['ineligible'], ineligibleLabel)]).map((l) => l.replace('not eligible: ·', 'not eligible:')),
    ...labelledItems('plays', [`${count(at('plays', 'counted'))} counted of ${count(at('plays', 'read_in_history_window'))} in the history window`]),
    ...labelledItems('', ['not counted:', ...itemsOf(c['plays_dropped'], (k) => DROPPED[k] ?? k)]).map((l) => l.replace('not counted: ·', 'not counted:')),
    ...cacheLines(r.manifest.plays_cache),
    ...labelledItems('by scenario', itemsOf(c['send_scenario'], scenarioLabel).map((s) => s.replace(/^([\d,]+) (.+)$/, '$2 $1'))),
    ...labelledItems('rows written', [...scenarioFiles, `selection ${count(outputs['selection.parquet'])}`, `payloads ${count(outputs['payloads.ndjson'])}`]),
    ...labelledItems('overrides', r.activeOverrides.length === 0 ? ['none'] : r.activeOverrides),
    ...labelledItems('drift guard', [driftText(r.drift)]),
    ...labelledItems('validation', [`${r.validation.violations.length === 0 ? 'passed' : 'FAILED'}: ${plural(r.validation.rowsChecked, 'row')} checked`]),
    ...labelledItems('time', [`${formatMs(r.timingsMs['total'] ?? 0)}:`, ...Object.entries(r.timingsMs).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${formatMs(v)}`)]).map((l) => l.replace(': ·', ':')),
  ].join('\n');
}

/** What the plays cache did: files reused, decoded by reason, and whether it was written. */
function cacheLines(cache: PlaysCacheReport | undefined): string[] {
  if (cache === undefined) return [];
  const decoded = Object.entries(cache.decoded).map(([reason, files]) => `${plural(files.length, 'file')} decoded: ${reason}`);
  const written = cache.written ? `cache written: ${plural(cache.files, 'file')}, ${count(Math.ceil(cache.bytes / 2 ** 20))} MB` : `cache not written: ${cache.not_written ?? 'no reason'}`;
  return labelledItems('plays cache', [`${plural(cache.reused.length, 'file')} reused (${count(cache.reused_rows)} plays)`, ...decoded, written]);
}
