import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CampaignConfig } from '../config/config-types.js';
import { configFromObject } from '../config/resolve-config.js';
import { recordedDeltaVersions } from '../../io/input/table-files.js';
import { CampaignError } from '../errors.js';

/** What explain needs from a published run's manifest.json. */
export interface RunManifest {
  runDir: string;
  runId: string;
  /** The config the run used (its effective config for the date), not today's. */
  config: CampaignConfig;
  activeOverrides: string[];
  /** The dataset directory the run read. */
  dataset: string;
  /** Input files relative to the dataset directory, with their sizes at run time. */
  files: { path: string; bytes: number }[];
  /** The version of each Delta table the run read: explain reads the same (time travel). */
  deltaVersions: Record<string, number>;
}

/** Reads `<outDir>/<date>/manifest.json`; a date without a published run is a CampaignError naming it. */
export function readRunManifest(outDir: string, date: string): RunManifest {
  const runDir = resolve(outDir, date);
  const path = join(runDir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CampaignError('NO_RUN', `no run for ${date} under ${resolve(outDir)} (${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new CampaignError('BAD_MANIFEST', `${path}: not valid JSON: ${(err as Error).message}`);
  }
  const inputs = manifest['inputs'] as { dataset?: unknown; files?: unknown; delta?: unknown } | undefined;
  if (typeof manifest['run_id'] !== 'string' || manifest['campaign_date'] !== date || typeof inputs?.dataset !== 'string' || !Array.isArray(inputs.files)) {
    throw new CampaignError('BAD_MANIFEST', `${path}: not the manifest of a run for ${date} (run_id, campaign_date, inputs.dataset or inputs.files missing)`);
  }
  return {
    runDir,
    runId: manifest['run_id'],
    config: configFromObject(manifest['effective_config'], `${path} effective_config`),
    activeOverrides: Array.isArray(manifest['active_overrides']) ? (manifest['active_overrides'] as string[]) : [],
    dataset: inputs.dataset,
    files: (inputs.files as { path: string; bytes: number }[]).map((f) => ({ path: f.path, bytes: f.bytes })),
    deltaVersions: recordedDeltaVersions(inputs.delta),
  };
}

/**
 * Input files that are not as the run saw them (missing, new, or another size). Sizes only:
 * hashing a 400 MB plays file again would cost more than the whole explanation.
 */
export function changedInputs(manifest: RunManifest, dataDir: string, currentFiles: readonly string[]): string[] {
  const before = new Map(manifest.files.map((f) => [f.path, f.bytes]));
  const changes: string[] = [];
  for (const path of currentFiles) {
    const bytes = statSync(join(dataDir, path)).size;
    const was = before.get(path);
    if (was === undefined) changes.push(`${path} is new`);
    else if (was !== bytes) changes.push(`${path} was ${was} bytes, now ${bytes}`);
    before.delete(path);
  }
  for (const path of before.keys()) changes.push(`${path} is gone`);
  return changes;
}
