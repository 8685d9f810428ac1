import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from '../../engine/config/config-types.js';
import type { ScenarioName } from '../../engine/config/config-types.js';
import type { ScenarioRow, SelectionRow } from '../reference/reference-campaign.js';
import { query } from '../io/parquet/duckdb-query.js';

export interface RunOutputs {
  scenarios: Record<ScenarioName, ScenarioRow[]>;
  selection: SelectionRow[];
  payloads: string[];
}

/** Reads a published run directory back through DuckDB, in file order. */
export async function readRunOutputs(runDir: string): Promise<RunOutputs> {
  const scenarios = {} as Record<ScenarioName, ScenarioRow[]>;
  for (const name of SCENARIOS) {
    const rows = await query(`SELECT profile_id, rank, show_id, score FROM read_parquet('${join(runDir, 'scenarios', `${name}.parquet`)}')`);
    scenarios[name] = rows.map(([profile_id, rank, show_id, score]) => ({ profile_id, rank, show_id, score }) as ScenarioRow);
  }
  const sel = await query(`SELECT account_id, profile_id, crm_id, rfm_segment, treatment, scenario, show_id, status FROM read_parquet('${join(runDir, 'selection.parquet')}')`);
  const selection = sel.map(([account_id, profile_id, crm_id, rfm_segment, treatment, scenario, show_id, status]) => ({ account_id, profile_id, crm_id, rfm_segment, treatment, scenario, show_id, status }) as SelectionRow);
  const payloads = readFileSync(join(runDir, 'payloads.ndjson'), 'utf8').split('\n').filter((l) => l !== '');
  return { scenarios, selection, payloads };
}
