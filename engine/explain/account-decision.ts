import { atLeastScore, recencyScore, segmentIndex } from '../../kernels/rfm-score.js';
import { SCENARIOS } from '../config/config-types.js';
import type { CampaignConfig, ScenarioName } from '../config/config-types.js';
import { formatDay } from '../dates.js';
import { STATUSES } from '../phases/phase-params.js';
import type { PhaseParams } from '../phases/phase-params.js';
import { holdoutBucket, preferredScenario, rollupKey, rotationSlot, selectionStatus, treatmentReason } from '../rules/decision-rules.js';
import type { RankedShow, RfmExplanation, RollupCandidate, RollupExplanation, SelectionExplanation } from './explanation.js';
import type { ProfileActivity } from './play-facts.js';

const NO_PLAYS: ProfileActivity = { watchSeconds: 0, lastDay: null, activeDays28: 0 };

export function activityOf(activity: ReadonlyMap<number, ProfileActivity>, profileId: number): ProfileActivity {
  return activity.get(profileId) ?? NO_PLAYS;
}

/** SPEC §4.5 over all the account's profiles (eligible or not): R, F, M, their scores, the first matching segment rule, the treatment. */
export function explainRfm(params: PhaseParams, plan: string, activities: readonly ProfileActivity[], activeDays30: number, day: number): RfmExplanation {
  let rDays: number | null = null;
  let seconds = 0;
  for (const a of activities) {
    seconds += a.watchSeconds;
    if (a.lastDay !== null && (rDays === null || day - a.lastDay < rDays)) rDays = day - a.lastDay;
  }
  const mHours = seconds / 3600;
  const r = recencyScore(rDays, params.rDays);
  const f = atLeastScore(activeDays30, params.fDays);
  const m = atLeastScore(mHours, params.mHours);
  const segment = segmentIndex(params.segments, r, f, m);
  const reason = treatmentReason(plan === 'avod', params.avodSegment[segment] === 1);
  return {
    rDays,
    fDays: activeDays30,
    mHours,
    r,
    f,
    m,
    segment: params.segmentNames[segment]!,
    segmentRule: segment === params.segments.length ? null : segment,
    treatment: reason === 'svod' ? 'svod' : 'avod',
    treatmentReason: reason,
  };
}

export interface RollupInput {
  profileId: number;
  activity: ProfileActivity;
  hasRecommendations: boolean;
}

/** SPEC §6 among the eligible profiles (ascending profile_id): the competing one with the best value wins; ties → smallest profile_id. */
export function rollUp(config: CampaignConfig, params: PhaseParams, day: number, eligible: readonly RollupInput[]): RollupExplanation {
  const method = config.rollup.method;
  const key = (a: ProfileActivity): number => rollupKey(params.rollup, a.watchSeconds, a.activeDays28, a.lastDay === null ? null : day - a.lastDay);
  let best: RollupInput | null = null;
  for (const p of eligible) if (p.hasRecommendations && (best === null || key(p.activity) > key(best.activity))) best = p;
  const candidates: RollupCandidate[] = eligible.map((p) => ({
    profileId: p.profileId,
    value: method === 'last_active' ? (p.activity.lastDay === null ? null : formatDay(p.activity.lastDay)) : key(p.activity),
    competes: p.hasRecommendations,
  }));
  const tieBrokenById = best !== null && eligible.some((p) => p !== best && p.hasRecommendations && key(p.activity) === key(best.activity));
  return { method, candidates, chosenProfileId: best?.profileId ?? null, tieBrokenById };
}

export interface SelectionInput {
  accountId: number;
  profileId: number;
  activity: ProfileActivity;
  treatment: 'svod' | 'avod';
  sends7d: number;
  /** The chosen profile's top list per scenario. */
  top: (scenario: ScenarioName) => readonly RankedShow[];
}

/** SPEC §7: the preferred scenario, the fallback walk (svod only), the chosen show, and the status in order frequency_capped, no_candidates, holdout, send. */
export function selectScenario(params: PhaseParams, config: CampaignConfig, day: number, s: SelectionInput): SelectionExplanation {
  const rows = (scenario: ScenarioName): number => s.top(scenario).length;
  let preferred: ScenarioName;
  let basis: SelectionExplanation['basis'];
  let basisValue: number | null;
  const tried: SelectionExplanation['tried'] = [];
  let scenario: ScenarioName | null = null;
  if (s.treatment === 'avod') {
    preferred = 'avod';
    basis = 'avod_treatment';
    basisValue = null;
    tried.push({ scenario: 'avod', rows: rows('avod') });
    if (rows('avod') > 0) scenario = 'avod';
  } else {
    const daysSinceLastPlay = s.activity.lastDay === null ? null : day - s.activity.lastDay;
    basis = params.calendar ? 'calendar' : 'days_since_last_play';
    basisValue = params.calendar ? rotationSlot(params, day) : daysSinceLastPlay;
    preferred = SCENARIOS[preferredScenario(params, day, daysSinceLastPlay)]!;
    for (const candidate of [preferred, ...config.selection.fallback.filter((f) => f !== preferred)]) {
      tried.push({ scenario: candidate, rows: rows(candidate) });
      if (rows(candidate) > 0) {
        scenario = candidate;
        break;
      }
    }
  }
  const chosen = scenario === null ? undefined : s.top(scenario)[0];
  const holdoutHash = holdoutBucket(params.holdoutSalt, s.accountId);
  const status = STATUSES[selectionStatus(params, s.sends7d, scenario !== null, s.accountId)]!;
  return {
    profileId: s.profileId,
    preferred,
    basis,
    basisValue,
    tried,
    scenario,
    showId: chosen?.showId ?? null,
    title: chosen?.title ?? null,
    status,
    maxSends7d: config.selection.max_sends_7d,
    holdoutHash,
    holdoutBps: params.holdoutBps,
  };
}
