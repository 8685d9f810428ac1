import type { CampaignConfig } from '../config/config-types.js';
import type { RunCounts } from '../run/run-counts.js';
import { compareCounts } from './compare-counts.js';
import { driftCounts } from './drift-counts.js';
import type { DriftCheck, DriftResult } from './drift-types.js';
import { findBaseline } from './find-baseline.js';

/**
 * The drift guard (issue 4): compares this run's `send` account count, eligible-profile count and
 * scenario shares of the `send` accounts with the latest earlier run under the same output root,
 * against `config.drift`. It only judges; runCampaign publishes the verdict and acts on it.
 */
export async function checkDrift(outDir: string, date: string, config: CampaignConfig, counts: RunCounts): Promise<DriftResult> {
  const mode = config.drift.mode;
  if (mode === 'off') return { mode, status: 'off', baseline: null, checks: [], reasons: [], notes: [], ignored_baselines: [] };
  const current = driftCounts(counts);
  if (typeof current === 'string') throw new Error(`drift guard: the run's own counts have ${current}`);
  const { baseline, ignored } = await findBaseline(outDir, date);
  if (baseline === null) return { mode, status: 'no_baseline', baseline: null, checks: [], reasons: [], notes: [], ignored_baselines: ignored };
  const calendar = config.selection.mode === 'calendar' || baseline.selectionMode === 'calendar';
  const comparison = compareCounts(baseline.counts, current, config.drift, calendar);
  const reasons = comparison.checks.filter((c) => c.exceeded).map((c) => reason(c, baseline.date));
  const status = reasons.length === 0 ? 'ok' : mode === 'fail' ? 'failed' : 'warned';
  return { mode, status, baseline: { date: baseline.date, run_id: baseline.runId }, checks: comparison.checks, reasons, notes: comparison.notes, ignored_baselines: ignored };
}

function reason(c: DriftCheck, baselineDate: string): string {
  if (c.metric.startsWith('send_share.')) {
    const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
    return `${c.metric} moved from ${pct(c.previous)} on ${baselineDate} to ${pct(c.current)} (${signed(c.change * 100)} points; limit ±${(c.limit * 100).toFixed(1)})`;
  }
  const n = (v: number): string => v.toLocaleString('en-US');
  return `${c.metric} moved from ${n(c.previous)} on ${baselineDate} to ${n(c.current)} (${signed(c.change * 100)}%; limit ±${(c.limit * 100).toFixed(1)}%)`;
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;
}
