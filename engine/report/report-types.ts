/**
 * The machine-readable campaign report (`report.json`). The HTML report is rendered from exactly
 * this value, so anything a CRM manager reads there is also here for machines.
 */

/** Conversion counts of one group of accounts. `rate` is null when `accounts` is 0. */
export interface RateCell {
  accounts: number;
  conversions: number;
  rate: number | null;
}

/** A point estimate with its 95% confidence interval. */
export interface Estimate {
  value: number;
  ci95: [number, number];
}

/**
 * Lift of `send` over `holdout` accounts. `sufficient` is false ("too few accounts") when either
 * group has fewer than the report's `min_accounts`; the estimates are then still given when
 * computable but must be presented as unreliable.
 */
export interface Lift {
  sent: RateCell;
  holdout: RateCell;
  /** Rate difference sent − holdout (Wald interval); null when a group is empty. */
  absolute: Estimate | null;
  /** sent rate / holdout rate − 1 (Katz log interval); null when the holdout has no conversion. */
  relative: Estimate | null;
  sufficient: boolean;
}

/** Lift of one value of a breakdown dimension (a scenario, segment, treatment or region). */
export interface BreakdownRow extends Lift {
  key: string;
}

export type BreakdownDimension = 'scenario' | 'rfm_segment' | 'treatment' | 'region';

export interface Breakdowns {
  scenario: BreakdownRow[];
  rfm_segment: BreakdownRow[];
  treatment: BreakdownRow[];
  region: BreakdownRow[];
}

/** Profiles whose recommendations came from exactly this set of scenarios (≥ 1 row in each). */
export interface OverlapRow {
  scenarios: string[];
  profiles: number;
}

export interface DateReport {
  date: string;
  run_id: string;
  /** Selection rows (accounts that reached rollup) by status: send, holdout, frequency_capped, no_candidates. */
  status: Record<string, number>;
  /** From the delivery ledger when one was found: accepted and dead_letter account counts; else null. */
  delivered: { accepted: number; dead_letter: number } | null;
  /** False when the data holds no play at or after the end of the conversion window yet. */
  window_complete: boolean;
  lift: Lift;
  breakdowns: Breakdowns;
  /** Selection rows by rfm_segment. */
  segment_sizes: Record<string, number>;
  /** Selection rows with a chosen scenario, by scenario. */
  scenario_mix: Record<string, number>;
  overlap: OverlapRow[];
}

export interface CampaignReport {
  engine_version: string;
  generated_at: string;
  from: string;
  to: string;
  /** Conversions count plays of the recommended show in [D, D + window_days). */
  conversion_window_days: number;
  /** Below this many accounts in either group a lift is marked "too few accounts". */
  min_accounts: number;
  /** Campaign dates in [from, to] with no published run under the output root. */
  missing_dates: string[];
  dates: DateReport[];
  /** All dates pooled (accounts counted once per campaign date). */
  overall: { lift: Lift; breakdowns: Breakdowns };
}
