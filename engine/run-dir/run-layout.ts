import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SCENARIOS } from '../config/config-types.js';
import { tryParseDay } from '../dates.js';

/** The files of a published run `<out>/<D>/` (SPEC §10). Nothing else names them. */
export const MANIFEST_FILE = 'manifest.json';
export const SELECTION_FILE = 'selection.parquet';
export const PAYLOADS_FILE = 'payloads.ndjson';
export const SCENARIOS_DIR = 'scenarios';

/** `<outDir>/<date>/`: where the run of `date` is published. */
export function runDirOf(outDir: string, date: string): string {
  return join(outDir, date);
}

/** `scenarios/<name>.parquet`: a scenario file relative to its run directory (the manifest's `outputs` key). */
export function scenarioFileName(scenario: string): string {
  return `${SCENARIOS_DIR}/${scenario}.parquet`;
}

export function scenarioPath(runDir: string, scenario: string): string {
  return join(runDir, SCENARIOS_DIR, `${scenario}.parquet`);
}

/** The scenario files a run directory holds, in SPEC order (unknown names after, sorted). */
export function listScenarioFiles(runDir: string): { scenario: string; file: string }[] {
  const names = readdirSync(join(runDir, SCENARIOS_DIR))
    .filter((f) => f.endsWith('.parquet') && !f.startsWith('.') && !f.startsWith('_'))
    .map((f) => f.slice(0, -'.parquet'.length));
  const order = (s: string): number => {
    const k = (SCENARIOS as readonly string[]).indexOf(s);
    return k < 0 ? SCENARIOS.length : k;
  };
  names.sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.map((scenario) => ({ scenario, file: scenarioPath(runDir, scenario) }));
}

/**
 * The dates before `date` with a run directory under `outDir`, latest first. Other entries
 * (staging directories, locks, the ledger's `state/`) are not runs; an absent root has none.
 */
export async function runDatesBefore(outDir: string, date: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(outDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    // A published run is a link to its directory under `.runs/` (staging-dir.ts); older versions published real directories.
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && tryParseDay(e.name) !== null && e.name < date)
    .map((e) => e.name)
    .sort()
    .reverse();
}
