import type { CampaignConfig, PoolScenarioConfig } from './config-types.js';

function poolScenario(windowDays: number): PoolScenarioConfig {
  return { enabled: true, window_days: windowDays, min_viewers: 3, pool_size: 200, include_categories: [], exclude_categories: [] };
}

/** SPEC §9 defaults; a fresh object each call so callers may mutate it. */
export function defaultConfig(): CampaignConfig {
  return {
    history_days: 90,
    min_play_seconds: 60,
    dedup_window_days: 28,
    default_region: 'other',
    boosts: {},
    scenarios: {
      cluster_discovery: poolScenario(28),
      re_engagement: { enabled: true, include_categories: [], exclude_categories: [] },
      trending: poolScenario(7),
      avod: poolScenario(28),
    },
    rollup: { method: 'primary' },
    selection: {
      mode: 'behavior',
      fallback: ['re_engagement', 'trending', 'cluster_discovery'],
      rotation: ['re_engagement', 'trending', 'cluster_discovery'],
      avod_segments: [],
      max_sends_7d: null,
    },
    rfm: {
      r_days: [7, 14, 30, 60],
      f_days: [20, 12, 6, 2],
      m_hours: [60, 30, 10, 2],
      segments: [
        { name: 'champions', r_min: 4, f_min: 4 },
        { name: 'loyal', f_min: 4 },
        { name: 'promising', r_min: 4 },
        { name: 'at_risk', r_max: 2, f_min: 3 },
        { name: 'hibernating', r_max: 2 },
        { name: 'needs_attention' },
      ],
    },
    holdout: { bps: 1000, salt: 'holdout-v1' },
    delivery: {
      event_name: 'crm_recommendation',
      batch_size: 1000,
      concurrency: 15,
      max_attempts: 8,
      retry_budget: 10000,
      circuit_failures: 20,
      timeout_ms: 30000,
      backoff_base_ms: 200,
      backoff_max_ms: 20000,
      in_flight_policy: 'resend',
    },
    drift: { mode: 'warn', max_send_change: 0.5, max_eligible_change: 0.25, max_share_change: 0.15, min_count: 100 },
    freshness: { max_lag_days: 2, mode: 'fail' },
    overrides: [],
  };
}
