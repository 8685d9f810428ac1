import type { SegmentBounds } from '../../kernels/rfm-score.js';
import { SCENARIOS } from '../config/config-types.js';
import type { CampaignConfig, ScenarioName } from '../config/config-types.js';

export const CLUSTER = 0;
export const RE_ENGAGEMENT = 1;
export const TRENDING = 2;
export const AVOD = 3;
export const RECS_PER_PROFILE = 5;

export const ROLLUP_PRIMARY = 0;
export const ROLLUP_DOMINANT = 1;
export const ROLLUP_LAST_ACTIVE = 2;

export const STATUSES = ['send', 'holdout', 'frequency_capped', 'no_candidates'] as const;
export const STATUS_SEND = 0;
export const STATUS_HOLDOUT = 1;
export const STATUS_CAPPED = 2;
export const STATUS_NO_CANDIDATES = 3;

export const TREATMENTS = ['svod', 'avod'] as const;

/** SPEC §4.5 "otherwise needs_attention": the segment of an account no configured rule matches. */
export const NO_MATCH_SEGMENT = 'needs_attention';

/** The effective config flattened into what the shard kernels read: numbers and small arrays only. */
export interface PhaseParams {
  historyDays: number;
  enabled: boolean[];
  windowDays: number[];
  minViewers: number[];
  poolSize: number[];
  rDays: number[];
  fDays: number[];
  mHours: number[];
  segments: SegmentBounds[];
  /** Rule names, then NO_MATCH_SEGMENT for accounts no rule matches (index segments.length). */
  segmentNames: string[];
  /** 1 for segments listed in selection.avod_segments, same indexes as segmentNames. */
  avodSegment: number[];
  rollup: number;
  calendar: boolean;
  /** Scenario indexes (SCENARIOS order). */
  fallback: number[];
  rotation: number[];
  /** 0 when selection.max_sends_7d is unset. */
  maxSends7d: number;
  holdoutBps: number;
  holdoutSalt: string;
}

const index = (name: ScenarioName): number => SCENARIOS.indexOf(name);

export function phaseParams(config: CampaignConfig): PhaseParams {
  const s = config.scenarios;
  // SCENARIOS order; re-engagement has no pool.
  const pools = [s.cluster_discovery, null, s.trending, s.avod];
  return {
    historyDays: config.history_days,
    enabled: SCENARIOS.map((n) => s[n].enabled),
    windowDays: pools.map((p) => p?.window_days ?? 0),
    minViewers: pools.map((p) => p?.min_viewers ?? 0),
    poolSize: pools.map((p) => p?.pool_size ?? 0),
    rDays: config.rfm.r_days,
    fDays: config.rfm.f_days,
    mHours: config.rfm.m_hours,
    segments: config.rfm.segments.map((r) => ({
      rMin: r.r_min ?? 1,
      rMax: r.r_max ?? 5,
      fMin: r.f_min ?? 1,
      fMax: r.f_max ?? 5,
      mMin: r.m_min ?? 1,
      mMax: r.m_max ?? 5,
    })),
    segmentNames: [...config.rfm.segments.map((r) => r.name), NO_MATCH_SEGMENT],
    avodSegment: [...config.rfm.segments.map((r) => r.name), NO_MATCH_SEGMENT].map((name) => (config.selection.avod_segments.includes(name) ? 1 : 0)),
    rollup: ['primary', 'dominant', 'last_active'].indexOf(config.rollup.method),
    calendar: config.selection.mode === 'calendar',
    fallback: config.selection.fallback.map(index),
    rotation: config.selection.rotation.map(index),
    maxSends7d: config.selection.max_sends_7d ?? 0,
    holdoutBps: config.holdout.bps,
    holdoutSalt: config.holdout.salt,
  };
}
