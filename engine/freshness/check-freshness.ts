import type { FreshnessConfig, FreshnessMode } from '../config/config-types.js';
import { formatDay } from '../dates.js';
import { CampaignError } from '../errors.js';

/** What the guard looks at, from the load (and, once selected, the sends). */
export interface FreshnessFacts {
  /** Day number of the latest play before D in the history window, counted or not; null when none. */
  latestPlayDay: number | null;
  /** Plays read with `ts` in the history window `[D − history_days, D)`. */
  playsInWindow: number;
  eligibleProfiles: number;
  /** Accounts with status `send`; null before the selection. */
  sends: number | null;
}

export type FreshnessStatus = 'passed' | 'warned' | 'failed' | 'off';

/** The guard's verdict, recorded in the manifest under `freshness` and shown by `preview`. */
export interface FreshnessResult {
  mode: FreshnessMode;
  max_lag_days: number;
  status: FreshnessStatus;
  /** The date of the latest play before D (any play, counted or not), or null. */
  latest_play: string | null;
  /** D − latest_play in days (1 when plays run up to the day before D), or null. */
  lag_days: number | null;
  plays_in_window: number;
  eligible_profiles: number;
  sends: number | null;
  /** One line per failed check, naming the table and the dates. */
  reasons: string[];
}

/**
 * SPEC §9 `freshness`: stale plays (the latest more than `max_lag_days` before D), no play in
 * the history window, no eligible profile, or no send. With mode `fail` a failed check stops the
 * run before anything is published; `warn` records and reports it; `off` checks nothing.
 */
export function judgeFreshness(config: FreshnessConfig, day: number, historyDays: number, facts: FreshnessFacts): FreshnessResult {
  const lag = facts.latestPlayDay === null ? null : day - facts.latestPlayDay;
  const result: FreshnessResult = {
    mode: config.mode,
    max_lag_days: config.max_lag_days,
    status: 'passed',
    latest_play: facts.latestPlayDay === null ? null : formatDay(facts.latestPlayDay),
    lag_days: lag,
    plays_in_window: facts.playsInWindow,
    eligible_profiles: facts.eligibleProfiles,
    sends: facts.sends,
    reasons: [],
  };
  if (config.mode === 'off') return { ...result, status: 'off' };
  const date = formatDay(day);
  const reasons = result.reasons;
  if (facts.playsInWindow === 0 || lag === null) {
    reasons.push(`plays: no play in the history window ${formatDay(day - historyDays)} to ${formatDay(day - 1)} (history_days ${historyDays})`);
  } else if (lag > config.max_lag_days) {
    reasons.push(`plays: the latest play is on ${result.latest_play}, ${lag} days before the campaign date ${date} (freshness.max_lag_days ${config.max_lag_days})`);
  }
  if (facts.eligibleProfiles === 0) reasons.push(`profiles: no eligible profile for ${date} (active, not kids, with an account that has a crm_id and push consent)`);
  if (facts.sends === 0) reasons.push(`selection: no account has status send for ${date}`);
  if (reasons.length > 0) result.status = config.mode === 'fail' ? 'failed' : 'warned';
  return result;
}

/**
 * The guard refused the run (`freshness.mode: fail`): nothing was published. `STALE_DATA` when the
 * plays are stale or missing, `EMPTY_CAMPAIGN` when there is no eligible profile or no send.
 */
export class FreshnessError extends CampaignError {
  readonly freshness: FreshnessResult;
  constructor(date: string, freshness: FreshnessResult) {
    const stale = freshness.reasons.some((r) => r.startsWith('plays:'));
    super(
      stale ? 'STALE_DATA' : 'EMPTY_CAMPAIGN',
      `freshness guard: ${freshness.reasons.join('; ')}; nothing was published for ${date} (freshness.mode fail: fix the data, or set freshness.mode warn or off)`,
    );
    this.freshness = freshness;
  }
}

/** Throws the FreshnessError of a failed verdict. */
export function enforceFreshness(date: string, freshness: FreshnessResult): void {
  if (freshness.status === 'failed') throw new FreshnessError(date, freshness);
}
