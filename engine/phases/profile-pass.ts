import { createTopK, offerTopK } from '../../kernels/top-k.js';
import { atLeastScore, recencyScore, segmentIndex } from '../../kernels/rfm-score.js';
import { CONTENT_AVAILABLE, CONTENT_NEW } from '../model/campaign-model.js';
import type { CampaignModel } from '../model/campaign-model.js';
import { treatmentReason } from '../rules/decision-rules.js';
import type { CampaignResults } from './campaign-results.js';
import { AVOD, CLUSTER, RE_ENGAGEMENT, RECS_PER_PROFILE, TRENDING } from './phase-params.js';
import type { PhaseParams } from './phase-params.js';
import { nextAccountGen, nextGen, scratchFor } from './scratch.js';
import type { Scratch } from './scratch.js';
import { accountDone, shardDone } from './shard.js';
import type { PoolCounts, Shard } from './shard.js';

/**
 * Shard pass 1: per-profile activity (SPEC §3), account RFM, segment and treatment (§4.5),
 * the re-engagement scenario (§5, it needs nothing global) and this shard's partial
 * distinct-viewer counts for the three pools.
 */
export function profilePass(model: CampaignModel, params: PhaseParams, results: CampaignResults, shard: Shard): PoolCounts {
  const S = model.showCount;
  const counts: PoolCounts = {
    cluster: new Uint32Array(model.clusterCount * S),
    trending: new Uint32Array(model.regionCount * S),
    avod: new Uint32Array(model.regionCount * S),
  };
  const scratch = scratchFor(model, params.historyDays);
  const top = createTopK(RECS_PER_PROFILE);
  const { accountProfileOffsets, accountProfiles, orphanProfiles } = model;
  for (let a = shard.accountFrom; a < shard.accountTo; a++) {
    const accountGen = nextAccountGen(scratch);
    let seconds = 0;
    let lastDaysAgo = 0;
    let activeDays30 = 0;
    for (let k = accountProfileOffsets[a]!; k < accountProfileOffsets[a + 1]!; k++) {
      const p = accountProfiles[k]!;
      activeDays30 += profileActivity(model, params, results, scratch, counts, p, accountGen);
      seconds += results.profileSeconds[p]!;
      const d = results.profileLastDaysAgo[p]!;
      if (d !== 0 && (lastDaysAgo === 0 || d < lastDaysAgo)) lastDaysAgo = d;
      if (model.profileIneligible[p] === 0 && params.enabled[RE_ENGAGEMENT]) reEngagement(model, results, scratch, top, p);
    }
    scoreAccount(model, params, results, a, lastDaysAgo, activeDays30, seconds);
    accountDone(shard, a);
  }
  for (let k = shard.orphanFrom; k < shard.orphanTo; k++) profileActivity(model, params, results, scratch, counts, orphanProfiles[k]!, nextAccountGen(scratch));
  shardDone(shard);
  return counts;
}

/**
 * Walks one profile's plays: totals, last play, active days, its distinct shows (left in the
 * scratch "local" arrays for re-engagement) and its pool contributions. Returns how many of its
 * play dates in the last 30 days were new to the account (the account's F is their union).
 */
function profileActivity(model: CampaignModel, params: PhaseParams, results: CampaignResults, s: Scratch, counts: PoolCounts, p: number, accountGen: number): number {
  const gen = nextGen(s);
  const { playOffsets, playContent, playDaysAgo, playSeconds, contentShow, contentFlags } = model;
  const { showStamp, showSlot, contentStamp, dayStamp, accountDayStamp, localShow, localSeconds, localDaysAgo, localAvailablePlayed, localNewPlayed } = s;
  let distinct = 0;
  let seconds = 0;
  let lastDaysAgo = 0;
  let active28 = 0;
  let accountNewDays = 0;
  const end = playOffsets[p + 1]!;
  for (let i = playOffsets[p]!; i < end; i++) {
    const c = playContent[i]!;
    const show = contentShow[c]!;
    const d = playDaysAgo[i]!;
    const w = playSeconds[i]!;
    seconds += w;
    if (lastDaysAgo === 0 || d < lastDaysAgo) lastDaysAgo = d;
    if (dayStamp[d] !== gen) {
      dayStamp[d] = gen;
      if (d <= 28) active28++;
    }
    if (d <= 30 && accountDayStamp[d] !== accountGen) {
      accountDayStamp[d] = accountGen;
      accountNewDays++;
    }
    let slot: number;
    if (showStamp[show] !== gen) {
      showStamp[show] = gen;
      slot = distinct++;
      showSlot[show] = slot;
      localShow[slot] = show;
      localSeconds[slot] = 0;
      localDaysAgo[slot] = d;
      localAvailablePlayed[slot] = 0;
      localNewPlayed[slot] = 0;
    } else {
      slot = showSlot[show]!;
      if (d < localDaysAgo[slot]!) localDaysAgo[slot] = d;
    }
    localSeconds[slot] += w;
    if (contentStamp[c] !== gen) {
      contentStamp[c] = gen;
      const f = contentFlags[c]!;
      if ((f & CONTENT_AVAILABLE) !== 0) localAvailablePlayed[slot]!++;
      if ((f & CONTENT_NEW) !== 0) localNewPlayed[slot]!++;
    }
  }
  results.profileSeconds[p] = seconds;
  results.profileLastDaysAgo[p] = lastDaysAgo;
  results.profileActiveDays28[p] = active28;
  s.localCount = distinct;

  // A profile counts once per show and pool: it is a viewer when its latest play of the show is in the window.
  const S = model.showCount;
  const cluster = model.profileCluster[p]!;
  const clusterRow = cluster * S;
  const regionRow = model.profileRegion[p]! * S;
  const avodViewer = model.profileAvodPlan[p] === 1;
  const wCluster = params.windowDays[CLUSTER]!;
  const wTrending = params.windowDays[TRENDING]!;
  const wAvod = params.windowDays[AVOD]!;
  for (let k = 0; k < distinct; k++) {
    const show = localShow[k]!;
    const d = localDaysAgo[k]!;
    if (cluster >= 0 && d <= wCluster) counts.cluster[clusterRow + show]!++;
    if (d <= wTrending) counts.trending[regionRow + show]!++;
    if (avodViewer && d <= wAvod) counts.avod[regionRow + show]!++;
  }
  return accountNewDays;
}

/** SPEC §5 re-engagement over the distinct shows profileActivity just left in scratch. */
function reEngagement(model: CampaignModel, results: CampaignResults, s: Scratch, top: ReturnType<typeof createTopK>, p: number): void {
  const gen = s.gen;
  const S = model.showCount;
  const { showAvailableEpisodes, showNewEpisodes, showBoost, showAllowed, sentOffsets, sentShows } = model;
  const { excludedStamp, localShow, localSeconds, localAvailablePlayed, localNewPlayed } = s;
  for (let j = sentOffsets[p]!; j < sentOffsets[p + 1]!; j++) excludedStamp[sentShows[j]!] = gen;
  const allowedRow = RE_ENGAGEMENT * S;
  top.size = 0;
  for (let k = 0; k < s.localCount; k++) {
    const show = localShow[k]!;
    // Candidate: at least one available episode not yet played (so the show is available).
    if (localAvailablePlayed[k]! >= showAvailableEpisodes[show]!) continue;
    if (showAllowed[allowedRow + show] === 0 || excludedStamp[show] === gen) continue;
    const base = localNewPlayed[k]! < showNewEpisodes[show]! ? localSeconds[k]! * 2 : localSeconds[k]!;
    offerTopK(top, base * showBoost[show]!, show);
  }
  writeRecs(results, model.profileCount, RE_ENGAGEMENT, p, top.keys, top.scores, top.size);
}

export function writeRecs(results: CampaignResults, profiles: number, scenario: number, p: number, shows: Int32Array, scores: Float64Array, n: number): void {
  const slot = scenario * profiles + p;
  results.recCount[slot] = n;
  const base = slot * RECS_PER_PROFILE;
  for (let r = 0; r < n; r++) {
    results.recShow[base + r] = shows[r]!;
    results.recScore[base + r] = scores[r]!;
  }
}

function scoreAccount(model: CampaignModel, params: PhaseParams, results: CampaignResults, a: number, lastDaysAgo: number, activeDays30: number, seconds: number): void {
  const r = recencyScore(lastDaysAgo === 0 ? null : lastDaysAgo, params.rDays);
  const f = atLeastScore(activeDays30, params.fDays);
  const m = atLeastScore(seconds / 3600, params.mHours);
  results.accountR[a] = r;
  results.accountF[a] = f;
  results.accountM[a] = m;
  const segment = segmentIndex(params.segments, r, f, m);
  results.accountSegment[a] = segment;
  results.accountTreatment[a] = treatmentReason(model.accountAvodPlan[a] === 1, params.avodSegment[segment] === 1) === 'svod' ? 0 : 1;
}
