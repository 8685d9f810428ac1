import { basename, dirname } from 'node:path';
import { isPlainObject } from '../config/validate-config.js';
import { DriftError } from '../errors.js';
import type { StoredManifest } from '../run-dir/run-manifest.js';
import type { DriftResult } from './drift-types.js';

/** The error runCampaign throws after publishing a run whose drift verdict is `failed`. */
export function runDriftError(drift: DriftResult, outputDir: string): DriftError {
  return new DriftError(
    `drift guard failed against the run of ${drift.baseline?.date}:\n  ${drift.reasons.join('\n  ')}\n` +
      `The outputs are published in ${outputDir} for inspection and nothing was delivered; to deliver them anyway: ` +
      `campaign deliver --out ${dirname(outputDir)} --date ${basename(outputDir)} --accept-drift (library: deliverRun({ acceptDrift: true }))`,
    drift,
    outputDir,
  );
}

/**
 * Stands between a run whose manifest records a `failed` drift verdict and its delivery: throws
 * DriftError unless `accept` is set. Returns the verdict that was accepted (for the delivery
 * summary), or null when there was nothing to accept.
 */
export function driftGate(manifest: StoredManifest, runDir: string, accept: boolean): DriftResult | null {
  const drift = manifest.drift;
  if (!isPlainObject(drift) || drift['status'] !== 'failed') return null;
  const recorded = drift as unknown as DriftResult;
  if (accept) return recorded;
  const reasons = Array.isArray(recorded.reasons) ? recorded.reasons : [];
  throw new DriftError(
    `${runDir}: the run failed the drift guard against the run of ${recorded.baseline?.date}; nothing was sent:\n  ${reasons.join('\n  ')}\n` +
      `Review the run, then deliver with --accept-drift (library: acceptDrift: true) to send it anyway`,
    recorded,
    runDir,
  );
}
