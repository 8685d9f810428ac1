import { STORAGE_OPTIONS } from '../../io/storage/storage-options.js';
import { DRIFT_MODES, FRESHNESS_MODES, IN_FLIGHT_POLICIES, ROLLUP_METHODS, SCENARIOS, SELECTION_MODES } from './config-types.js';

/** The shape of every config key (SPEC §9); the validator walks values against it. */
export type Rule =
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'number'; min: number; max?: number }
  | { kind: 'string'; nonEmpty: boolean }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'date' }
  | { kind: 'nullable'; inner: Rule }
  | { kind: 'array'; item: Rule; minLength: number; length?: number }
  | { kind: 'object'; fields: Record<string, Rule>; optional: readonly string[]; alwaysPartial?: boolean }
  | { kind: 'map'; value: Rule };

const int = (min: number, max?: number): Rule => (max === undefined ? { kind: 'int', min } : { kind: 'int', min, max });
const number = (min: number, max?: number): Rule => (max === undefined ? { kind: 'number', min } : { kind: 'number', min, max });

/**
 * Upper bounds of the keys that are durations or multipliers. A duration past them is a typo, and
 * would break the engine rather than the campaign: Node clamps a timer above 2^31−1 ms to 1 ms (a
 * timeout that fires at once re-sends every batch), dates 1e15 days away cannot be written.
 */
export const CONFIG_BOUNDS = {
  /** Days: history_days, dedup_window_days, the scenarios' window_days, rfm.r_days and rfm.f_days (100 years). */
  days: 36_500,
  /** min_play_seconds (a day). */
  playSeconds: 86_400,
  /** rfm.m_hours (100 years of hours). */
  hours: 876_000,
  /** delivery.timeout_ms, delivery.backoff_base_ms, delivery.backoff_max_ms (10 minutes). */
  ms: 600_000,
  /**
   * A category boost. Base scores are counts of profiles or twice a sum of watch seconds, below
   * 2^54, so every boosted score stays below 2^54 × 10^6 ≈ 1.8e22: finite, whatever the data.
   */
  boost: 1_000_000,
} as const;
const days = int(1, CONFIG_BOUNDS.days);
const ms = (min: number): Rule => int(min, CONFIG_BOUNDS.ms);
const str: Rule = { kind: 'string', nonEmpty: true };
const bool: Rule = { kind: 'bool' };
const strings: Rule = { kind: 'array', item: str, minLength: 0 };
const scenarioList: Rule = { kind: 'array', item: { kind: 'enum', values: SCENARIOS }, minLength: 0 };
const object = (fields: Record<string, Rule>, optional: readonly string[] = []): Rule => ({ kind: 'object', fields, optional });

const categoryFilter = { include_categories: strings, exclude_categories: strings };
const poolScenario = object({ enabled: bool, window_days: days, min_viewers: int(1), pool_size: int(1), ...categoryFilter });
const thresholds = (max: number): Rule => ({ kind: 'array', item: number(0, max), minLength: 4, length: 4 });
const score = int(1, 5);
const segmentRule = object(
  { name: str, r_min: score, r_max: score, f_min: score, f_max: score, m_min: score, m_max: score },
  ['r_min', 'r_max', 'f_min', 'f_max', 'm_min', 'm_max'],
);

const configFields: Record<string, Rule> = {
  history_days: days,
  min_play_seconds: int(0, CONFIG_BOUNDS.playSeconds),
  dedup_window_days: int(0, CONFIG_BOUNDS.days),
  default_region: str,
  boosts: { kind: 'map', value: number(0, CONFIG_BOUNDS.boost) },
  scenarios: object({
    cluster_discovery: poolScenario,
    re_engagement: object({ enabled: bool, ...categoryFilter }),
    trending: poolScenario,
    avod: poolScenario,
  }),
  rollup: object({ method: { kind: 'enum', values: ROLLUP_METHODS } }),
  selection: object({
    mode: { kind: 'enum', values: SELECTION_MODES },
    fallback: scenarioList,
    rotation: { kind: 'array', item: { kind: 'enum', values: SCENARIOS }, minLength: 1 },
    avod_segments: strings,
    max_sends_7d: { kind: 'nullable', inner: int(1) },
  }),
  rfm: object({
    r_days: thresholds(CONFIG_BOUNDS.days),
    f_days: thresholds(CONFIG_BOUNDS.days),
    m_hours: thresholds(CONFIG_BOUNDS.hours),
    segments: { kind: 'array', item: segmentRule, minLength: 1 },
  }),
  holdout: object({ bps: int(0, 10000), salt: { kind: 'string', nonEmpty: false } }),
  delivery: object({
    event_name: str,
    batch_size: int(1, 1000),
    concurrency: int(1, 15),
    max_attempts: int(1),
    retry_budget: int(0),
    circuit_failures: int(1),
    timeout_ms: ms(1),
    backoff_base_ms: ms(0),
    backoff_max_ms: ms(0),
    in_flight_policy: { kind: 'enum', values: IN_FLIGHT_POLICIES },
  }),
  drift: object({
    mode: { kind: 'enum', values: DRIFT_MODES },
    max_send_change: number(0),
    max_eligible_change: number(0),
    max_share_change: number(0),
    min_count: int(0),
  }),
  freshness: object({
    mode: { kind: 'enum', values: FRESHNESS_MODES },
    max_lag_days: int(0, 36500),
  }),
  storage: object(
    Object.fromEntries(STORAGE_OPTIONS.map((o) => [o.name.toLowerCase(), o.kind === 'bool' ? bool : o.kind === 'int' ? int(0, o.max) : str])),
    STORAGE_OPTIONS.map((o) => o.name.toLowerCase()),
  ),
};

/** Everything an override's `set` may change: any part of the config except `overrides` itself. */
const overridableSchema: Rule = { kind: 'object', fields: configFields, optional: [], alwaysPartial: true };

const overrideSchema: Rule = object({ name: str, from: { kind: 'date' }, to: { kind: 'date' }, set: overridableSchema });

export const configSchema: Rule = object({ ...configFields, overrides: { kind: 'array', item: overrideSchema, minLength: 0 } }, ['storage']);

/** The delivery block alone: deliverRun checks the config it is given (or the run manifest's) against it. */
export const deliverySchema: Rule = configFields['delivery']!;
