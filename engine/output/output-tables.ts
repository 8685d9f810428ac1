import type { ColumnValues, ParquetField } from '../../io/parquet/index.js';
import { SCENARIOS } from '../config/config-types.js';
import type { CampaignModel, ModelLabels } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { RECS_PER_PROFILE, STATUSES, TREATMENTS } from '../phases/phase-params.js';

export interface OutputTable {
  fields: ParquetField[];
  columns: ColumnValues[];
  rows: number;
}

export const SCENARIO_FIELDS: ParquetField[] = [
  { name: 'profile_id', type: 'int64', nullable: false },
  { name: 'rank', type: 'int32', nullable: false },
  { name: 'show_id', type: 'int64', nullable: false },
  { name: 'score', type: 'double', nullable: false },
];

export const SELECTION_FIELDS: ParquetField[] = [
  { name: 'account_id', type: 'int64', nullable: false },
  { name: 'profile_id', type: 'int64', nullable: false },
  { name: 'crm_id', type: 'string', nullable: false },
  { name: 'rfm_segment', type: 'string', nullable: false },
  { name: 'treatment', type: 'string', nullable: false },
  { name: 'scenario', type: 'string', nullable: true },
  { name: 'show_id', type: 'int64', nullable: true },
  { name: 'status', type: 'string', nullable: false },
];

/**
 * SPEC §10 `scenarios/<scenario>.parquet` rows, sorted by profile_id (profile index order) then rank.
 * Takes only the id columns it needs so a worker can build it from shared arrays.
 */
export function scenarioTable(profileIds: Float64Array, showIds: Float64Array, results: CampaignResults, scenario: number): OutputTable {
  const P = profileIds.length;
  const counts = results.recCount.subarray(scenario * P, (scenario + 1) * P);
  let rows = 0;
  for (let p = 0; p < P; p++) rows += counts[p]!;
  const profileId = new Float64Array(rows);
  const rank = new Int32Array(rows);
  const showId = new Float64Array(rows);
  const score = new Float64Array(rows);
  const { recShow, recScore } = results;
  let row = 0;
  for (let p = 0; p < P; p++) {
    const n = counts[p]!;
    const base = (scenario * P + p) * RECS_PER_PROFILE;
    for (let r = 0; r < n; r++) {
      profileId[row] = profileIds[p]!;
      rank[row] = r + 1;
      showId[row] = showIds[recShow[base + r]!]!;
      score[row] = recScore[base + r]!;
      row++;
    }
  }
  return { fields: SCENARIO_FIELDS, columns: [{ values: profileId }, { values: rank }, { values: showId }, { values: score }], rows };
}

/** SPEC §10 `selection.parquet`: one row per account that reached rollup, sorted by account_id. */
/** Accounts between two pauses of buildSelectionTable: a few milliseconds of work at 1M profiles. */
const SELECTION_SLICE = 65_536;

/**
 * The selection table (one row per account that reached rollup), built in slices of accounts:
 * the generator pauses after each, so a caller on the main thread can let the event loop run (a
 * signal's handler) between them; it returns the table.
 */
export function* buildSelectionTable(model: CampaignModel, labels: ModelLabels, results: CampaignResults, segmentNames: readonly string[]): Generator<void, OutputTable> {
  const A = model.accountCount;
  let rows = 0;
  for (let a = 0; a < A; a++) if (results.accountProfile[a]! >= 0) rows++;
  const accountId = new Float64Array(rows);
  const profileId = new Float64Array(rows);
  const crmId = new Array<string>(rows);
  const segment = new Array<string>(rows);
  const treatment = new Array<string>(rows);
  const scenario = new Array<string | null>(rows);
  const showId = new Float64Array(rows);
  const showValid = new Uint8Array(rows);
  const status = new Array<string>(rows);
  let row = 0;
  for (let a = 0; a < A; a++) {
    // (a % SELECTION_SLICE) === SELECTION_SLICE − 1: the end of a slice
    if (a % SELECTION_SLICE === SELECTION_SLICE - 1) yield;
    const p = results.accountProfile[a]!;
    if (p < 0) continue;
    accountId[row] = labels.accountIds[a]!;
    profileId[row] = labels.profileIds[p]!;
    crmId[row] = labels.accountCrmIds[a]!;
    segment[row] = segmentNames[results.accountSegment[a]!]!;
    treatment[row] = TREATMENTS[results.accountTreatment[a]!]!;
    const s = results.accountScenario[a]!;
    scenario[row] = s < 0 ? null : SCENARIOS[s]!;
    if (s >= 0) {
      showId[row] = labels.showIds[results.recShow[(s * model.profileCount + p) * RECS_PER_PROFILE]!]!;
      showValid[row] = 1;
    }
    status[row] = STATUSES[results.accountStatus[a]!]!;
    row++;
  }
  return {
    fields: SELECTION_FIELDS,
    columns: [
      { values: accountId },
      { values: profileId },
      { values: crmId },
      { values: segment },
      { values: treatment },
      { values: scenario },
      { values: showId, valid: showValid },
      { values: status },
    ],
    rows,
  };
}
