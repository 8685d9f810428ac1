import { SCENARIOS } from '../config/config-types.js';
import { SHOW_AVAILABLE, SHOW_AVOD_AVAILABLE } from '../model/campaign-model.js';
import { utf8Present } from '../model/utf8-column.js';
import type { CampaignModel } from '../model/campaign-model.js';
import type { CampaignResults } from '../phases/campaign-results.js';
import { AVOD, RECS_PER_PROFILE, RE_ENGAGEMENT, STATUS_SEND } from '../phases/phase-params.js';
import type { SelectionLabels } from './output-tables.js';

export const VALIDATION_CHECKS = [
  'ranks_contiguous',
  'at_most_5_rows_per_profile',
  'no_duplicate_show_per_profile',
  'no_unavailable_show',
  'no_show_inside_dedup_window',
  'no_watched_show_outside_re_engagement',
  'one_selection_row_per_account',
  'every_send_has_crm_id',
] as const;

export interface ValidationReport {
  checks: readonly string[];
  rowsChecked: number;
  violations: string[];
}

export const MAX_REPORTED = 50;

export interface ProfileChecks {
  rowsChecked: number;
  violations: string[];
}

/**
 * SPEC §10 validation of the scenario rows of profiles [from, to), re-derived from the model rather
 * than trusted from the passes that produced them: a bug in a pass shows up here before anything is
 * published or delivered. Profile ranges are independent, so workers check them in parallel; the
 * row-order checks of the scenario files run where those files are built (checkScenarioTable).
 */
export function validateProfiles(model: CampaignModel, profileIds: Float64Array, showIds: Float64Array, results: CampaignResults, from: number, to: number): ProfileChecks {
  const violations: string[] = [];
  const report = (message: string): void => {
    if (violations.length < MAX_REPORTED) violations.push(message);
  };
  const P = model.profileCount;
  const S = model.showCount;
  const watched = new Uint32Array(S);
  const sent = new Uint32Array(S);
  let rowsChecked = 0;

  for (let p = from; p < to; p++) {
    const stamp = p + 1;
    let marked = false;
    for (let k = 0; k < SCENARIOS.length; k++) {
      const n = results.recCount[k * P + p]!;
      if (n === 0) continue;
      const pid = profileIds[p];
      if (n > RECS_PER_PROFILE) report(`${SCENARIOS[k]}: profile ${pid} has ${n} rows`);
      if (!marked) {
        for (let i = model.playOffsets[p]!; i < model.playOffsets[p + 1]!; i++) watched[model.contentShow[model.playContent[i]!]!] = stamp;
        for (let j = model.sentOffsets[p]!; j < model.sentOffsets[p + 1]!; j++) sent[model.sentShows[j]!] = stamp;
        marked = true;
      }
      const base = (k * P + p) * RECS_PER_PROFILE;
      const need = k === AVOD ? SHOW_AVOD_AVAILABLE : SHOW_AVAILABLE;
      for (let r = 0; r < n; r++) {
        const show = results.recShow[base + r]!;
        const sid = showIds[show];
        for (let q = 0; q < r; q++) if (results.recShow[base + q] === show) report(`${SCENARIOS[k]}: profile ${pid} has show ${sid} twice`);
        if ((model.showFlags[show]! & need) === 0) report(`${SCENARIOS[k]}: profile ${pid} got unavailable show ${sid}`);
        if (sent[show] === stamp) report(`${SCENARIOS[k]}: profile ${pid} got show ${sid} sent inside the dedup window`);
        if (k !== RE_ENGAGEMENT && watched[show] === stamp) report(`${SCENARIOS[k]}: profile ${pid} got already watched show ${sid}`);
        rowsChecked++;
      }
    }
  }
  return { rowsChecked, violations };
}

/**
 * SPEC §10 checks of the selection, from the model (the rows selectionTable writes, in its order):
 * one row per account, in account_id order; every `send` row has a crm_id. Returns the rows too.
 */
export function validateSelection(model: CampaignModel, labels: SelectionLabels, results: CampaignResults): { rows: number; violations: string[] } {
  const violations: string[] = [];
  const report = (message: string): void => {
    if (violations.length < MAX_REPORTED) violations.push(message);
  };
  const { accountIds, accountCrmIds } = labels;
  let rows = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < model.accountCount; a++) {
    if (results.accountProfile[a]! < 0) continue;
    rows++;
    const id = accountIds[a]!;
    if (id <= previous) report(`selection: account ${id} has more than one row or rows are unsorted`);
    previous = id;
    if (results.accountStatus[a] === STATUS_SEND && !utf8Present(accountCrmIds, a)) report(`selection: send row for account ${id} has no crm_id`);
  }
  return { rows, violations };
}
