import type { RollupMethod, ScenarioName } from '../config/config-types.js';
import type { IneligibleReason } from '../model/campaign-model.js';

/**
 * "Why this title" for one account of one run (`campaign explain`): everything SPEC §3–§7 decided
 * for it, recomputed from the run's effective config and inputs, next to what the run recorded.
 * Dates are `YYYY-MM-DD`; ids are numbers (exact below 2^53).
 */
export interface Explanation {
  date: string;
  runId: string;
  runDir: string;
  dataDir: string;
  stateDir: string;
  activeOverrides: string[];
  account: AccountFacts;
  /** The profile asked about with `--profile`, else null. */
  focusProfileId: number | null;
  /** Every profile of the account that was not deleted, by profile_id. */
  profiles: ProfileExplanation[];
  rfm: RfmExplanation;
  rollup: RollupExplanation;
  /** Null when the account did not reach rollup (no eligible profile has a recommendation). */
  selection: SelectionExplanation | null;
  recorded: RecordedRun;
  /** Where the recomputation disagrees with the run's files; empty when they agree. */
  discrepancies: string[];
  /** Things that make the recomputation less trustworthy (inputs changed since the run). */
  warnings: string[];
}

export interface AccountFacts {
  accountId: number;
  crmId: string | null;
  plan: string;
  country: string;
  pushOptIn: boolean;
  /** Sends to the account with send_date in [D − 7, D − 1] (the frequency cap's count). */
  sends7d: number;
}

export interface ProfileExplanation {
  profileId: number;
  isKids: boolean;
  status: string;
  clusterId: number | null;
  /** profiles.country, else the account's country. */
  country: string;
  region: string;
  eligible: boolean;
  /** The first failing reason in SPEC §4.4 order; null when eligible. */
  ineligibleReason: IneligibleReason | null;
  watchSecondsTotal: number;
  lastPlayDate: string | null;
  daysSinceLastPlay: number | null;
  /** Distinct play dates in the last 28 days (rollup `dominant`). */
  activeDays28: number;
  /** The four scenarios in SCENARIOS order; only for eligible profiles (empty otherwise). */
  scenarios: ScenarioExplanation[];
}

export type NotApplied = 'disabled' | 'no_cluster' | 'svod_treatment';

export interface ScenarioExplanation {
  scenario: ScenarioName;
  /** Why the scenario produced nothing for this profile by rule; null when it applies. */
  notApplied: NotApplied | null;
  /** The pool walked (pooled scenarios that apply), else null. */
  pool: PoolFacts | null;
  top: RankedShow[];
  /** Passed over: every pool entry met before the 5th pick; for re-engagement the played shows left out (the most watched 10). */
  excluded: ExcludedShow[];
  /** Re-engagement exclusions beyond the ones listed. */
  moreExcluded: number;
  /** Shows the pool's group watched in the window that are not in the pool: the most watched few per reason. */
  notInPool: PoolMiss[];
  /** How many shows the group watched missed the pool, by reason. */
  notInPoolCounts: Partial<Record<PoolMissReason, number>>;
}

export interface PoolFacts {
  /** A cluster id, or a region name. */
  group: number | string;
  groupKind: 'cluster' | 'region';
  windowDays: number;
  minViewers: number;
  poolSize: number;
  /** Shows in the pool (≤ poolSize). */
  shows: number;
}

export interface RankedShow {
  rank: number;
  showId: number;
  title: string;
  score: number;
  /** Pool scenarios: distinct viewers and position in the pool. Re-engagement: null. */
  viewers: number | null;
  poolRank: number | null;
  /** Re-engagement: watch seconds on the show and whether an unplayed new episode doubled it. */
  watchSeconds: number | null;
  newEpisode: boolean | null;
}

export type Exclusion =
  | { reason: 'watched'; lastPlayDate: string }
  | { reason: 'recently_sent'; sendDate: string; source: SendSource }
  | { reason: 'unavailable' }
  | { reason: 'not_avod_available' }
  | { reason: 'category_filter'; category: string }
  | { reason: 'no_unplayed_episode' };

export type SendSource = 'ledger' | 'sends_table';

export interface ExcludedShow {
  showId: number;
  title: string;
  /** The pool score, or for re-engagement the score it would have had. */
  score: number | null;
  poolRank: number | null;
  reasons: Exclusion[];
}

export type PoolMissReason = 'unavailable' | 'not_avod_available' | 'category_filter' | 'below_min_viewers' | 'outside_pool_size';

export interface PoolMiss {
  showId: number;
  title: string;
  category: string;
  viewers: number;
  reason: PoolMissReason;
  /** below_min_viewers: the threshold; outside_pool_size: the rank it had among pool-worthy shows. */
  minViewers: number | null;
  poolRank: number | null;
}

export interface RfmExplanation {
  /** Smallest days_since_last_play over the account's profiles; null when none played. */
  rDays: number | null;
  /** Distinct play dates of the account in the last 30 days. */
  fDays: number;
  /** Watch hours in the history window. */
  mHours: number;
  r: number;
  f: number;
  m: number;
  segment: string;
  /** Index of the matching rule in rfm.segments; null when none matched (needs_attention). */
  segmentRule: number | null;
  treatment: 'svod' | 'avod';
  treatmentReason: 'avod_plan' | 'avod_segment' | 'svod';
}

export interface RollupCandidate {
  profileId: number;
  /** The method's comparison value: watch seconds, active days, or last play date (null: no plays). */
  value: number | string | null;
  /** Eligible with at least one recommendation: only these compete. */
  competes: boolean;
}

export interface RollupExplanation {
  method: RollupMethod;
  /** Every eligible profile of the account. */
  candidates: RollupCandidate[];
  chosenProfileId: number | null;
  /** True when another competing profile had the same value and the smaller profile_id won. */
  tieBrokenById: boolean;
}

export type PreferenceBasis = 'avod_treatment' | 'days_since_last_play' | 'calendar';

export interface SelectionExplanation {
  profileId: number;
  preferred: ScenarioName;
  basis: PreferenceBasis;
  /** behavior mode: the chosen profile's days_since_last_play (null: no plays); calendar: the rotation index. */
  basisValue: number | null;
  /** The scenarios tried in order with their row counts for the chosen profile (preferred first, then fallback). */
  tried: { scenario: ScenarioName; rows: number }[];
  scenario: ScenarioName | null;
  showId: number | null;
  title: string | null;
  status: 'send' | 'holdout' | 'frequency_capped' | 'no_candidates';
  maxSends7d: number | null;
  /** fnv1a32(salt + ":" + account_id) mod 10000, compared with holdout.bps. */
  holdoutHash: number;
  holdoutBps: number;
}

export interface RecordedSelection {
  profileId: number;
  crmId: string;
  segment: string;
  treatment: string;
  scenario: string | null;
  showId: number | null;
  status: string;
}

export interface RecordedRow {
  profileId: number;
  rank: number;
  showId: number;
  score: number;
}

/** What the run wrote for this account: its selection row and its profiles' scenario rows. */
export interface RecordedRun {
  selection: RecordedSelection | null;
  scenarios: Record<ScenarioName, RecordedRow[]>;
}
