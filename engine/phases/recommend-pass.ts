import { firstUnexcluded } from '../../kernels/build-pool.js';
import type { CampaignModel } from '../model/campaign-model.js';
import type { CampaignResults } from './campaign-results.js';
import { preferredScenario, rollupKey, selectionStatus } from '../rules/decision-rules.js';
import { AVOD, CLUSTER, RECS_PER_PROFILE, TRENDING } from './phase-params.js';
import type { PhaseParams } from './phase-params.js';
import type { Pool, ScenarioPools } from './pools.js';
import { writeRecs } from './profile-pass.js';
import { nextGen, scratchFor } from './scratch.js';
import { accountDone, shardDone } from './shard.js';
import type { Shard } from './shard.js';

/**
 * Shard pass 2, after the pools are merged: the pooled scenarios per eligible profile (§5),
 * then per account the rollup (§6) and the selection with its status (§7).
 */
export function recommendPass(model: CampaignModel, params: PhaseParams, results: CampaignResults, pools: ScenarioPools, accountIds: Float64Array, shard: Shard): void {
  const scratch = scratchFor(model, params.historyDays);
  const outShows = new Int32Array(RECS_PER_PROFILE);
  const outScores = new Float64Array(RECS_PER_PROFILE);
  const P = model.profileCount;
  const { accountProfileOffsets, accountProfiles, playOffsets, playContent, contentShow, sentOffsets, sentShows } = model;
  const excluded = scratch.excludedStamp;

  const recommend = (scenario: number, pool: Pool, group: number, p: number, gen: number): void => {
    const n = firstUnexcluded(pool.shows, pool.scores, pool.offsets[group]!, pool.offsets[group + 1]!, excluded, gen, RECS_PER_PROFILE, outShows, outScores);
    writeRecs(results, P, scenario, p, outShows, outScores, n);
  };

  for (let a = shard.accountFrom; a < shard.accountTo; a++) {
    const avodTreatment = results.accountTreatment[a] === 1;
    for (let k = accountProfileOffsets[a]!; k < accountProfileOffsets[a + 1]!; k++) {
      const p = accountProfiles[k]!;
      if (model.profileIneligible[p] !== 0) continue;
      const gen = nextGen(scratch);
      // Watched (any counted play in the history window) and recently sent both exclude.
      for (let i = playOffsets[p]!; i < playOffsets[p + 1]!; i++) excluded[contentShow[playContent[i]!]!] = gen;
      for (let j = sentOffsets[p]!; j < sentOffsets[p + 1]!; j++) excluded[sentShows[j]!] = gen;
      const cluster = model.profileCluster[p]!;
      const region = model.profileRegion[p]!;
      if (params.enabled[CLUSTER] && cluster >= 0) recommend(CLUSTER, pools.cluster, cluster, p, gen);
      if (params.enabled[TRENDING]) recommend(TRENDING, pools.trending, region, p, gen);
      if (params.enabled[AVOD] && avodTreatment) recommend(AVOD, pools.avod, region, p, gen);
    }
    const chosen = rollup(model, params, results, a);
    results.accountProfile[a] = chosen;
    if (chosen >= 0) select(model, params, results, a, chosen, accountIds[a]!);
    accountDone(shard, a);
  }
  shardDone(shard);
}

function hasRecs(results: CampaignResults, profiles: number, p: number): boolean {
  for (let s = 0; s < 4; s++) if (results.recCount[s * profiles + p]! > 0) return true;
  return false;
}

/** SPEC §6: the account's eligible profile with recommendations that wins `rollup.method`; ties → smallest profile_id. */
function rollup(model: CampaignModel, params: PhaseParams, results: CampaignResults, a: number): number {
  const P = model.profileCount;
  let best = -1;
  let bestKey = 0;
  for (let k = model.accountProfileOffsets[a]!; k < model.accountProfileOffsets[a + 1]!; k++) {
    const p = model.accountProfiles[k]!;
    if (model.profileIneligible[p] !== 0 || !hasRecs(results, P, p)) continue;
    const d = results.profileLastDaysAgo[p]!;
    const key = rollupKey(params.rollup, results.profileSeconds[p]!, results.profileActiveDays28[p]!, d === 0 ? null : d);
    // Profiles come in ascending profile_id, so a strict > keeps the smallest id on ties.
    if (best < 0 || key > bestKey) {
      best = p;
      bestKey = key;
    }
  }
  return best;
}

/** SPEC §7: scenario choice, then status in order frequency_capped, no_candidates, holdout, send. */
function select(model: CampaignModel, params: PhaseParams, results: CampaignResults, a: number, p: number, accountId: number): void {
  const P = model.profileCount;
  const has = (scenario: number): boolean => results.recCount[scenario * P + p]! > 0;
  let scenario = -1;
  if (results.accountTreatment[a] === 1) {
    if (has(AVOD)) scenario = AVOD;
  } else {
    const d = results.profileLastDaysAgo[p]!;
    const preferred = preferredScenario(params, model.day, d === 0 ? null : d);
    if (has(preferred)) scenario = preferred;
    else scenario = params.fallback.find(has) ?? -1;
  }
  results.accountScenario[a] = scenario;
  results.accountStatus[a] = selectionStatus(params, model.accountSends7d[a]!, scenario >= 0, accountId);
}
