import type { DriftResult } from '../engine/drift/drift-types.js';
import type { FreshnessResult } from '../engine/freshness/check-freshness.js';
import { log } from './log.js';

/** The run's or preview's input warnings on stderr (an empty required table). */
export function logInputWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) log('warn', 'input', warning);
}

/**
 * The guards' warnings on stderr: each drift bound exceeded and each earlier run that could not be
 * the drift baseline; each freshness check failed under `freshness.mode: warn`.
 */
export function logGuards(result: { drift: DriftResult; freshness?: FreshnessResult; warnings?: readonly string[] }): void {
  logInputWarnings(result.warnings ?? []);
  for (const reason of [...result.drift.reasons, ...result.drift.ignored_baselines]) log('warn', 'drift', `drift: ${reason}`, { drift_status: result.drift.status });
  if (result.freshness?.status === 'warned') for (const reason of result.freshness.reasons) log('warn', 'freshness', `freshness: ${reason}`, { freshness_status: 'warned' });
}
