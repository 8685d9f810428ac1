import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from '../config/config-types.js';
import { formatDay, parseDay } from '../dates.js';
import { recordedDeltaVersions } from '../../io/input/table-files.js';
import { CampaignError } from '../errors.js';

/** The longest date range a report covers (ten years): anything longer is a typo. */
export const MAX_REPORT_DAYS = 3660;

/** A published run `<out>/<D>/` (SPEC §10), with what the report needs from its manifest. */
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
  /** The version of each Delta table the run read (manifest `inputs.delta`). */
  deltaVersions: Record<string, number>;
}

/** Error code of every problem with the report's own arguments or with a published run. */
export const REPORT_ERROR = 'REPORT';

export function reportError(message: string): CampaignError {
  return new CampaignError(REPORT_ERROR, message);
}

/** The dates from `from` to `to` inclusive, checked. */
export function reportDates(from: string, to: string): string[] {
  const first = parseDay(from, 'from date');
  const last = parseDay(to, 'to date');
  if (first > last) throw reportError(`the date range is empty: from ${from} is after to ${to}`);
  if (last - first + 1 > MAX_REPORT_DAYS) throw reportError(`the date range ${from} to ${to} spans ${last - first + 1} days; at most ${MAX_REPORT_DAYS}`);
  const dates: string[] = [];
  for (let d = first; d <= last; d++) dates.push(formatDay(d));
  return dates;
}

/**
 * The published runs for `dates` under `outDir`, and the dates that have none (no `<out>/<D>/`).
 * A run directory that exists but is not a whole run (no manifest, no selection, a manifest for
 * another date) is an error: the engine publishes atomically, so that is damage, not absence.
 */
export function findPublishedRuns(outDir: string, dates: readonly string[]): { runs: PublishedRun[]; missing: string[] } {
  const runs: PublishedRun[] = [];
  const missing: string[] = [];
  for (const date of dates) {
    const dir = join(outDir, date);
    if (!existsSync(dir)) {
      missing.push(date);
      continue;
    }
    runs.push(readRun(dir, date));
  }
  return { runs, missing };
}

/** Reads and checks one published run directory. */
export function readRun(dir: string, date: string): PublishedRun {
  if (!statSync(dir).isDirectory()) throw reportError(`${dir} is not a run directory`);
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw reportError(`${dir} is not a published run: manifest.json is missing`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw reportError(`${manifestFile}: not valid JSON (${(err as Error).message})`);
  }
  const m = manifest as { run_id?: unknown; campaign_date?: unknown; effective_config?: { min_play_seconds?: unknown; default_region?: unknown }; inputs?: { delta?: unknown } };
  const bad = (what: string): CampaignError => reportError(`${manifestFile}: ${what}`);
  if (typeof m.run_id !== 'string') throw bad('run_id is missing');
  if (m.campaign_date !== date) throw bad(`campaign_date is ${JSON.stringify(m.campaign_date)}, expected ${date}`);
  const minPlay = m.effective_config?.min_play_seconds;
  const defaultRegion = m.effective_config?.default_region;
  if (typeof minPlay !== 'number' || !Number.isFinite(minPlay)) throw bad('effective_config.min_play_seconds is missing');
  if (typeof defaultRegion !== 'string') throw bad('effective_config.default_region is missing');
  const selectionFile = join(dir, 'selection.parquet');
  if (!existsSync(selectionFile)) throw reportError(`${dir} is not a published run: selection.parquet is missing`);
  const scenarioDir = join(dir, 'scenarios');
  if (!existsSync(scenarioDir)) throw reportError(`${dir} is not a published run: scenarios/ is missing`);
  const names = readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.parquet') && !f.startsWith('.') && !f.startsWith('_'))
    .map((f) => f.slice(0, -'.parquet'.length));
  const order = (s: string): number => {
    const k = (SCENARIOS as readonly string[]).indexOf(s);
    return k < 0 ? SCENARIOS.length : k;
  };
  names.sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  return {
    date,
    day: parseDay(date),
    dir,
    runId: m.run_id,
    minPlaySeconds: minPlay,
    defaultRegion,
    selectionFile,
    scenarioFiles: names.map((scenario) => ({ scenario, file: join(scenarioDir, `${scenario}.parquet`) })),
    deltaVersions: recordedDeltaVersions(m.inputs?.delta),
  };
}
