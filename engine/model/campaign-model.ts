import type { Utf8Column } from './utf8-column.js';
/**
 * The run's columnar model: dense integer ids remapped once at load, every column a typed array
 * (over SharedArrayBuffers where workers read it). Indexes are positions in id order:
 * profile p is the p-th smallest profile_id, account a the a-th smallest account_id, show s the
 * s-th smallest show_id, so "sorted by id" and "ties by smallest id" are plain index order.
 */
export interface CampaignModel {
  /** Campaign date D as days since 1970-01-01. */
  day: number;
  profileCount: number;
  accountCount: number;
  showCount: number;
  contentCount: number;
  clusterCount: number;
  regionCount: number;

  /** Counted plays in the history window, grouped by profile (CSR): rows of profile p are playOffsets[p]..playOffsets[p+1]. */
  playOffsets: Int32Array;
  playContent: Int32Array;
  /** D − play day, 1..history_days. */
  playDaysAgo: Uint16Array;
  playSeconds: Int32Array;

  contentShow: Int32Array;
  /** CONTENT_AVAILABLE | CONTENT_NEW | CONTENT_AVOD bits. */
  contentFlags: Uint8Array;

  /** SHOW_AVAILABLE | SHOW_AVOD_AVAILABLE bits. */
  showFlags: Uint8Array;
  showAvailableEpisodes: Int32Array;
  showNewEpisodes: Int32Array;
  /** boost(category) per show, float64. */
  showBoost: Float64Array;
  /** Per scenario (SCENARIOS order), 1 where the show passes the scenario's category filters: [scenario * showCount + show]. */
  showAllowed: Uint8Array;

  profileAccount: Int32Array;
  profileCluster: Int32Array;
  profileRegion: Int32Array;
  /** 0 = eligible, else an INELIGIBLE_* reason (first failing in SPEC order). */
  profileIneligible: Uint8Array;
  /** 1 when the profile's account is on the avod plan (AVOD pool viewers). */
  profileAvodPlan: Uint8Array;

  /** Profiles of account a: accountProfiles[accountProfileOffsets[a]..accountProfileOffsets[a+1]], ascending. */
  accountProfileOffsets: Int32Array;
  accountProfiles: Int32Array;
  accountAvodPlan: Uint8Array;
  /** Sends with send_date in [D−7, D) per account (frequency cap). */
  accountSends7d: Int32Array;
  /** Profiles whose account does not exist: they only ever count as pool viewers. */
  orphanProfiles: Int32Array;

  /** Shows sent to profile p within the dedup window: sentShows[sentOffsets[p]..sentOffsets[p+1]]. */
  sentOffsets: Int32Array;
  sentShows: Int32Array;
}

export const CONTENT_AVAILABLE = 1;
export const CONTENT_NEW = 2;
export const CONTENT_AVOD = 4;

export const SHOW_AVAILABLE = 1;
export const SHOW_AVOD_AVAILABLE = 2;

export const INELIGIBLE_REASONS = ['inactive', 'kids', 'orphan', 'no_crm_id', 'no_consent'] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];

/** Ids and strings the passes never need: for the outputs (shared columns, and the few show strings). */
export interface ModelLabels {
  profileIds: Float64Array;
  accountIds: Float64Array;
  /** Each account's crm_id; empty for none. */
  accountCrmIds: Utf8Column;
  showIds: Float64Array;
  showTitles: string[];
  showCategories: string[];
}
