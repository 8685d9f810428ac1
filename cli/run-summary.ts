import type { DriftResult } from '../engine/drift/drift-types.js';
import type { RunCampaignResult } from '../engine/run-campaign.js';
import { formatMs } from './progress-reporter.js';

/** The short human summary of a run: where the outputs are, counts per phase, scenario and status, timings. */
export function formatRunSummary(r: RunCampaignResult): string {
  const c = r.counts;
  const line = (label: string, values: Record<string, number> | undefined): string =>
    `  ${label.padEnd(18)} ${Object.entries(values ?? {})
      .map(([k, v]) => `${k}=${v.toLocaleString('en-US')}`)
      .join('  ')}`;
  const outputs = r.manifest['outputs'] as Record<string, unknown>;
  return [
    `run ${r.runId} → ${r.outputDir}`,
    `  overrides          ${r.activeOverrides.length === 0 ? '(none)' : r.activeOverrides.join(', ')}`,
    line('catalog', c['catalog']),
    line('accounts', c['accounts']),
    line('profiles', c['profiles']),
    line('ineligible', c['ineligible']),
    line('plays', c['plays']),
    line('plays dropped', c['plays_dropped']),
    line('scenario rows', outputs['scenarios'] as Record<string, number>),
    line('rollup', c['rollup']),
    line('chosen scenario', c['chosen_scenario']),
    line('status', c['status']),
    `  payloads           ${String(outputs['payloads.ndjson'])} lines`,
    `  drift              ${r.drift.status}${r.drift.baseline === null ? '' : ` against the run of ${r.drift.baseline.date}`}${r.drift.reasons.length === 0 ? '' : ` (${r.drift.reasons.length} bound${r.drift.reasons.length === 1 ? '' : 's'} exceeded)`}`,
    `  validation         ${r.validation.violations.length === 0 ? 'passed' : 'FAILED'} (${r.validation.rowsChecked.toLocaleString('en-US')} rows checked)`,
    `  timings            ${Object.entries(r.timingsMs)
      .map(([k, v]) => `${k} ${formatMs(v)}`)
      .join(', ')}`,
  ].join('\n');
}

/** The run's input warnings for stderr (an empty required table). */
export function inputWarnings(warnings: readonly string[]): string[] {
  return warnings.map((w) => `campaign: warning: ${w}`);
}

/** The drift guard's warnings for stderr: each exceeded bound, and each earlier run that could not be the baseline. */
export function driftWarnings(drift: DriftResult): string[] {
  return [...drift.reasons, ...drift.ignored_baselines].map((r) => `campaign: warning: drift: ${r}`);
}
