import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { recordedDeltaVersions } from '../../io/input/table-files.js';
import { parseDay } from '../dates.js';
import { RunDirError } from '../errors.js';
import { readManifest } from './run-manifest.js';
import type { StoredManifest } from './run-manifest.js';
import { listScenarioFiles, MANIFEST_FILE, runDirOf, SCENARIOS_DIR, SELECTION_FILE } from './run-layout.js';

/** A published run `<out>/<D>/` (SPEC §10), checked whole, with what its readers need from the manifest. */
export interface PublishedRun {
  date: string;
  day: number;
  dir: string;
  runId: string;
  /** From the run's effective config, not today's: the rules the run itself counted plays by. */
  minPlaySeconds: number;
  defaultRegion: string;
  selectionFile: string;
  /** Scenario name → its `scenarios/<name>.parquet`, in SPEC order (unknown names after, sorted). */
  scenarioFiles: { scenario: string; file: string }[];
  /** The whole manifest, for readers that need more of it (explain: the dataset, its files, the config). */
  manifest: StoredManifest;
  /** The version of each Delta table the run read (manifest `inputs.delta`): explain and report read the same. */
  deltaVersions: Record<string, number>;
}

/**
 * The published runs for `dates` under `outDir`, and the dates that have none (no `<out>/<D>/`).
 * A run directory that exists but is not a whole run is RunDirError `BAD_RUN`.
 */
export function findPublishedRuns(outDir: string, dates: readonly string[]): { runs: PublishedRun[]; missing: string[] } {
  const runs: PublishedRun[] = [];
  const missing: string[] = [];
  for (const date of dates) {
    if (existsSync(runDirOf(outDir, date))) runs.push(readRun(outDir, date));
    else missing.push(date);
  }
  return { runs, missing };
}

/**
 * Reads and checks the run of `date` under `outDir`: RunDirError `NO_RUN` when there is none,
 * `BAD_RUN` when its directory is not a whole run (manifest, selection or scenarios/ missing, a
 * manifest for another date or without its run id and play rules).
 */
export function readRun(outDir: string, date: string): PublishedRun {
  const dir = runDirOf(outDir, date);
  if (!existsSync(dir)) throw new RunDirError('NO_RUN', dir, 'ENOENT', `no run for ${date} under ${resolve(outDir)} (no directory ${dir})`);
  const damaged = (path: string, reason: string, message = `${path}: ${reason}`): RunDirError => new RunDirError('BAD_RUN', path, reason, message);
  if (!statSync(dir).isDirectory()) throw damaged(dir, 'not a directory', `${dir} is not a run directory`);
  const manifestFile = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw damaged(manifestFile, 'ENOENT', `${dir} is not a published run: ${MANIFEST_FILE} is missing`);
  const m = readManifest(dir);
  const config = m.effective_config as { min_play_seconds?: unknown; default_region?: unknown } | undefined;
  if (typeof m.run_id !== 'string') throw damaged(manifestFile, 'run_id is missing');
  if (m.campaign_date !== date) throw damaged(manifestFile, `campaign_date is ${JSON.stringify(m.campaign_date)}, expected ${date}`);
  const minPlay = config?.min_play_seconds;
  const defaultRegion = config?.default_region;
  if (typeof minPlay !== 'number' || !Number.isFinite(minPlay)) throw damaged(manifestFile, 'effective_config.min_play_seconds is missing');
  if (typeof defaultRegion !== 'string') throw damaged(manifestFile, 'effective_config.default_region is missing');
  const selectionFile = join(dir, SELECTION_FILE);
  if (!existsSync(selectionFile)) throw damaged(selectionFile, 'ENOENT', `${dir} is not a published run: ${SELECTION_FILE} is missing`);
  if (!existsSync(join(dir, SCENARIOS_DIR))) throw damaged(join(dir, SCENARIOS_DIR), 'ENOENT', `${dir} is not a published run: ${SCENARIOS_DIR}/ is missing`);
  return {
    date,
    day: parseDay(date),
    dir,
    runId: m.run_id,
    minPlaySeconds: minPlay,
    defaultRegion,
    selectionFile,
    scenarioFiles: listScenarioFiles(dir),
    manifest: m,
    deltaVersions: recordedDeltaVersions((m.inputs as { delta?: unknown } | undefined)?.delta),
  };
}
