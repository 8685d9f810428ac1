import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CampaignConfig } from '../config/config-types.js';
import { configFromObject } from '../config/resolve-config.js';
import { RunDirError } from '../errors.js';
import { readRun } from '../run-dir/published-runs.js';
import { MANIFEST_FILE } from '../run-dir/run-layout.js';

/** What explain needs from a published run: where it is and what its manifest says it read and used. */
export interface ExplainedRun {
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

/** The run of `date` under `outDir` (RunDirError `NO_RUN` when there is none, `BAD_RUN` when it is not whole). */
export function readExplainedRun(outDir: string, date: string): ExplainedRun {
  const run = readRun(outDir, date);
  const path = join(run.dir, MANIFEST_FILE);
  const inputs = run.manifest.inputs as { dataset?: unknown; files?: unknown } | undefined;
  if (typeof inputs?.dataset !== 'string' || !Array.isArray(inputs.files)) throw new RunDirError('BAD_RUN', path, 'inputs.dataset or inputs.files missing', `${path}: inputs.dataset or inputs.files missing`);
  const overrides = run.manifest.active_overrides;
  return {
    runDir: resolve(run.dir),
    runId: run.runId,
    config: configFromObject(run.manifest.effective_config, `${path} effective_config`),
    activeOverrides: Array.isArray(overrides) ? (overrides as string[]) : [],
    dataset: inputs.dataset,
    files: (inputs.files as { path: string; bytes: number }[]).map((f) => ({ path: f.path, bytes: f.bytes })),
    deltaVersions: run.deltaVersions,
  };
}

/**
 * Input files that are not as the run saw them (missing, new, or another size). Sizes only:
 * hashing a 400 MB plays file again would cost more than the whole explanation.
 */
export function changedInputs(manifest: ExplainedRun, dataDir: string, currentFiles: readonly string[]): string[] {
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
