import { dimensionLabel, scenarioLabel, statusLabel, wordsOf } from '../engine/labels/human-labels.js';
import { configValueText, driftText, selectionText, sourceText } from '../engine/preview/preview-labels.js';
import type { CampaignPreview, CountChange, SendDimension, ShowMove, TransitionMatrix } from '../engine/preview/preview-types.js';
import type { FreshnessResult } from '../engine/freshness/check-freshness.js';
import { formatMs } from './progress-reporter.js';

const n = (x: number): string => x.toLocaleString('en-US');
const signed = (x: number): string => (x > 0 ? `+${n(x)}` : x < 0 ? `−${n(-x)}` : '0');

/** The preview as a CRM analyst reads it on a terminal: what was compared, what changed, the sample with reasons, the drift verdict. */
export function formatPreview(p: CampaignPreview): string {
  const t = p.transitions;
  const overrides = (names: readonly string[]): string => (names.length === 0 ? '' : ` (overrides: ${names.join(', ')})`);
  const lines = [
    `preview of ${p.date}`,
    `  new:       ${sourceText(p.new.source)}${overrides(p.new.activeOverrides)}`,
    `  against:   ${sourceText(p.old.source)}${overrides(p.old.activeOverrides)}`,
    `  inputs:    ${p.load.shared ? 'loaded once for both runs' : `loaded twice (${p.load.reloadedFor.join(', ')} differ${p.load.reloadedFor.length === 1 ? 's' : ''})`} from ${p.dataDir}`,
    `  runs:      old ${p.old.runId} · new ${p.new.runId}${p.scratchDir === null ? '' : ` · kept in ${p.scratchDir}`}`,
    '',
    p.configChanges.length === 0 ? 'config changes: none (the effective configs are identical)' : 'config changes:',
    ...p.configChanges.map((c) => `  ${c.key}: ${configValueText(c.old)} → ${configValueText(c.new)}`),
    '',
    `accounts: ${n(t.accounts)} selected · ${n(t.changed)} changed${t.accounts === 0 ? '' : ` (${((100 * t.changed) / t.accounts).toFixed(1)}%)`}`,
    `  status ${n(t.statusChanged)} · scenario ${n(t.scenarioChanged)} · show ${n(t.showChanged)} · profile ${n(t.profileChanged)} · segment ${n(t.segmentChanged)} · treatment ${n(t.treatmentChanged)} · entered ${n(t.entered)} · left ${n(t.left)}`,
    `sends: ${n(p.sends.total.before)} → ${n(p.sends.total.after)} (${signed(p.sends.total.after - p.sends.total.before)})`,
  ];
  if (p.warnings.length > 0) lines.push('', 'check before going live:', ...p.warnings.map((w) => `  ! ${w.message}`));
  if (t.changed > 0) {
    for (const [dimension, label] of [['scenario', 'scenario'], ['rfm_segment', 'segment'], ['treatment', 'treatment'], ['region', 'region']] as [SendDimension, string][]) {
      lines.push(...countTable(label, p.sends[dimension], dimensionLabel(dimension)).map((l) => `  ${l}`));
    }
    lines.push('', 'scenario transitions (rows: old, columns: new):', ...matrix(p.transitions.scenario, (k) => (k === 'none' || k === 'not_selected' ? wordsOf(k) : scenarioLabel(k))).map((l) => `  ${l}`));
    lines.push('status transitions (rows: old, columns: new):', ...matrix(p.transitions.status, (k) => (k === 'not_selected' ? wordsOf(k) : statusLabel(k))).map((l) => `  ${l}`));
    lines.push('', `shows: ${n(p.shows.changed)} changed sends`, ...showLines('gained', p.shows.gained), ...showLines('lost', p.shows.lost));
    lines.push('', `changed accounts (${n(p.sample.length)} of ${n(t.changed)}):`);
    for (const c of p.sample) lines.push(`  ${c.accountId}  ${selectionText(c.old)}  →  ${selectionText(c.new)}`, `      ${c.reason}`);
  }
  lines.push('', `drift guard with the new config: ${driftText(p.drift.new)}`, ...p.drift.new.reasons.map((r) => `  ${r}`), `  (with the old config: ${driftText(p.drift.old)})`);
  lines.push(`freshness guard with the new config: ${freshnessText(p.new.freshness)}`, ...p.new.freshness.reasons.map((r) => `  ${r}`), `  (with the old config: ${freshnessText(p.old.freshness)})`);
  lines.push(`timings: ${Object.entries(p.timingsMs).map(([k, v]) => `${k} ${formatMs(v)}`).join(', ')}`);
  return lines.join('\n');
}

/** `failed (mode fail: a run would stop, exit 4) · plays end 2026-10-25, 28 days before the date` */
function freshnessText(f: FreshnessResult): string {
  const plays = f.latest_play === null ? 'no play in the history window' : `plays end ${f.latest_play}, ${f.lag_days} day${f.lag_days === 1 ? '' : 's'} before the date (at most ${f.max_lag_days})`;
  const verdict = f.status === 'failed' ? 'failed — a run would stop before publishing (exit 4)' : f.status === 'warned' ? 'failed checks, reported as warnings (mode warn)' : f.status;
  return `${verdict} · ${plays} · ${n(f.eligible_profiles)} eligible profiles · ${f.sends === null ? '?' : n(f.sends)} sends`;
}

function countTable(label: string, rows: readonly CountChange[], name: (key: string) => string): string[] {
  return table([[label, 'before', 'after', 'change'], ...rows.map((r) => [name(r.key), n(r.before), n(r.after), signed(r.after - r.before)])], 1);
}

/** Only the rows and columns some account has; the corner says which way to read. */
function matrix(m: TransitionMatrix, words: (value: string) => string): string[] {
  const rows = m.old.map((_, i) => i).filter((i) => m.counts[i]!.some((x) => x > 0));
  const cols = m.new.map((_, j) => j).filter((j) => m.counts.some((row) => row[j]! > 0));
  return table([['', ...cols.map((j) => words(m.new[j]!))], ...rows.map((i) => [words(m.old[i]!), ...cols.map((j) => n(m.counts[i]![j]!))])], 1);
}

function showLines(label: string, moves: readonly ShowMove[]): string[] {
  if (moves.length === 0) return [`  ${label}: none`];
  return [`  ${label}:`, ...table(moves.map((m) => [String(m.showId), `${m.title} (${m.category})`, `${n(m.before)} → ${n(m.after)}`, signed(m.after - m.before)]), 2).map((l) => `    ${l}`)];
}

/** Columns two spaces apart; columns from `numericFrom` on are right-aligned. */
function table(rows: string[][], numericFrom: number): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i >= numericFrom ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
