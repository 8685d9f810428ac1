import { writeParquet } from '../../io/parquet/index.js';
import { SCENARIOS } from '../config/config-types.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { scenarioTable } from './output-tables.js';
import { MAX_REPORTED } from './validate-outputs.js';
import type { OutputTable } from './output-tables.js';

export interface ScenarioFileTask {
  scenario: number;
  /** Null: build and check the table only (a preview that keeps no files). */
  path: string | null;
  profileIds: Float64Array;
  showIds: Float64Array;
  results: CampaignResults;
}

export interface ScenarioFileReport {
  rows: number;
  violations: string[];
}

/**
 * Builds, checks and (given a path) writes one `scenarios/<scenario>.parquet`. Runs on a worker, so the four
 * scenario files encode in parallel with the selection and payloads on the main thread.
 */
export async function writeScenarioFile(task: ScenarioFileTask): Promise<ScenarioFileReport> {
  const table = scenarioTable(task.profileIds, task.showIds, task.results, task.scenario);
  const violations = checkScenarioTable(table, SCENARIOS[task.scenario]!);
  if (violations.length === 0 && task.path !== null) await writeParquet(task.path, table.fields, table.columns, table.rows);
  return { rows: table.rows, violations };
}

/** SPEC §10 checks that need the written rows rather than the model: contiguous ranks, profile order. */
export function checkScenarioTable(table: OutputTable, name: string): string[] {
  const violations: string[] = [];
  const pid = table.columns[0]!.values as Float64Array;
  const rank = table.columns[1]!.values as Int32Array;
  for (let i = 0, n = table.rows; i < n && violations.length < MAX_REPORTED; i++) {
    const expected = i > 0 && pid[i] === pid[i - 1] ? rank[i - 1]! + 1 : 1;
    if (rank[i] !== expected) violations.push(`${name}: profile ${pid[i]} rank ${rank[i]} where ${expected} was due`);
    if (i > 0 && pid[i]! < pid[i - 1]!) violations.push(`${name}: rows not sorted by profile_id at row ${i}`);
  }
  return violations;
}
