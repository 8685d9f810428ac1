export const SCENARIOS = ['cluster_discovery', 're_engagement', 'trending', 'avod'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const ROLLUP_METHODS = ['primary', 'dominant', 'last_active'] as const;
export type RollupMethod = (typeof ROLLUP_METHODS)[number];

export const SELECTION_MODES = ['behavior', 'calendar'] as const;
export type SelectionMode = (typeof SELECTION_MODES)[number];

export const IN_FLIGHT_POLICIES = ['resend', 'hold'] as const;
export type InFlightPolicy = (typeof IN_FLIGHT_POLICIES)[number];

export const DRIFT_MODES = ['warn', 'fail', 'off'] as const;
export type DriftMode = (typeof DRIFT_MODES)[number];

export const FRESHNESS_MODES = ['fail', 'warn', 'off'] as const;
export type FreshnessMode = (typeof FRESHNESS_MODES)[number];

export interface CategoryFilter {
  include_categories: string[];
  exclude_categories: string[];
}

export interface ReEngagementConfig extends CategoryFilter {
  enabled: boolean;
}

export interface PoolScenarioConfig extends CategoryFilter {
  enabled: boolean;
  window_days: number;
  min_viewers: number;
  pool_size: number;
}

export interface ScenariosConfig {
  cluster_discovery: PoolScenarioConfig;
  re_engagement: ReEngagementConfig;
  trending: PoolScenarioConfig;
  avod: PoolScenarioConfig;
}

/** One RFM segment rule: every bound present must hold (scores are 1..5). */
export interface SegmentRule {
  name: string;
  r_min?: number;
  r_max?: number;
  f_min?: number;
  f_max?: number;
  m_min?: number;
  m_max?: number;
}

export interface RfmConfig {
  r_days: number[];
  f_days: number[];
  m_hours: number[];
  segments: SegmentRule[];
}

export interface SelectionConfig {
  mode: SelectionMode;
  fallback: ScenarioName[];
  rotation: ScenarioName[];
  avod_segments: string[];
  max_sends_7d: number | null;
}

export interface DeliveryConfig {
  event_name: string;
  batch_size: number;
  concurrency: number;
  /** Attempts per batch before its records are dead-lettered as `retries_exhausted`. */
  max_attempts: number;
  /** Total retries allowed in one delivery run before the circuit opens. */
  retry_budget: number;
  /** Consecutive failed requests (after their retries) that open the circuit. */
  circuit_failures: number;
  timeout_ms: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
  /** What a resumed delivery does with records that were in flight when the previous one died. */
  in_flight_policy: InFlightPolicy;
}

/** The drift guard: how far a run's counts may move from the previous run's (engine/drift). */
export interface DriftConfig {
  mode: DriftMode;
  /** Relative change |cur − prev| / prev of the `send` account count. */
  max_send_change: number;
  /** Relative change of the eligible-profile count. */
  max_eligible_change: number;
  /** Absolute change (0..1) of any scenario's share of the `send` accounts. */
  max_share_change: number;
  /** Counts below this on both runs are too small to compare and are not checked. */
  min_count: number;
}

/**
 * The freshness and empty-campaign guard (SPEC §9, engine/freshness): plays ending more than
 * `max_lag_days` before D, no play in the history window, no eligible profile or no send stop the
 * run before anything is published (`fail`), are warnings (`warn`), or are not checked (`off`).
 */
export interface FreshnessConfig {
  mode: FreshnessMode;
  max_lag_days: number;
}

export interface Override {
  name: string;
  from: string;
  to: string;
  set: Record<string, unknown>;
}

export interface CampaignConfig {
  history_days: number;
  min_play_seconds: number;
  dedup_window_days: number;
  default_region: string;
  boosts: Record<string, number>;
  scenarios: ScenariosConfig;
  rollup: { method: RollupMethod };
  selection: SelectionConfig;
  rfm: RfmConfig;
  holdout: { bps: number; salt: string };
  delivery: DeliveryConfig;
  drift: DriftConfig;
  freshness: FreshnessConfig;
  /**
   * Object storage options (io/storage/storage-options.ts), by their lower-case delta-rs /
   * object_store names; absent when the file has no `storage:` section. Changes no output: not
   * part of the run id; secrets are never written back (redactStorage).
   */
  storage?: Record<string, string | number | boolean>;
  overrides: Override[];
}

/** A value with every object key optional, at any depth; lists stay whole (a list replaces, SPEC §9). */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * What a library caller may pass as a config: any part of it (`{ boosts: { holiday: 2 } }`),
 * merged over the defaults exactly as a YAML file is, and validated the same way.
 */
export type PartialConfig = DeepPartial<CampaignConfig>;

/** The configuration in force for one campaign date. */
export interface EffectiveConfig {
  date: string;
  config: CampaignConfig;
  activeOverrides: string[];
}
