import { join } from 'node:path';
import { sqlFilePath } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { SCENARIOS } from '../config/config-types.js';
import type { ScenarioName } from '../config/config-types.js';
import { scenarioFileName, SELECTION_FILE } from '../run-dir/run-layout.js';
import type { RecordedRow, RecordedRun, RecordedSelection } from './explanation.js';

/** The account's selection row and its profiles' scenario rows, read from the run's Parquet files. */
export async function readRecordedRun(session: DuckDBSession, runDir: string, accountId: number, profileIds: readonly number[]): Promise<RecordedRun> {
  const file = (name: string): string => `read_parquet(${sqlFilePath(join(runDir, name))})`;
  const selectionRows = await session.rows(`SELECT CAST(profile_id AS DOUBLE), crm_id, rfm_segment, treatment, scenario, CAST(show_id AS DOUBLE), status
    FROM ${file(SELECTION_FILE)} WHERE account_id = ${accountId}`);
  let selection: RecordedSelection | null = null;
  if (selectionRows.length > 0) {
    const [profileId, crmId, segment, treatment, scenario, showId, status] = selectionRows[0]! as [number, string, string, string, string | null, number | null, string];
    selection = { profileId, crmId, segment, treatment, scenario, showId, status };
  }
  const scenarios = {} as Record<ScenarioName, RecordedRow[]>;
  for (const name of SCENARIOS) {
    scenarios[name] = [];
    if (profileIds.length === 0) continue;
    const rows = await session.rows(`SELECT CAST(profile_id AS DOUBLE), CAST(rank AS INTEGER), CAST(show_id AS DOUBLE), score
      FROM ${file(scenarioFileName(name))} WHERE profile_id IN (${profileIds.join(', ')}) ORDER BY profile_id, rank`);
    for (const [profileId, rank, showId, score] of rows as [number, number, number, number][]) scenarios[name].push({ profileId, rank, showId, score });
  }
  return { selection, scenarios };
}
