import { SCENARIOS } from '../config/config-types.js';
import { sharedFloat64, sharedInt32, sharedUint16, sharedUint8 } from '../model/shared-arrays.js';
import { RECS_PER_PROFILE } from './phase-params.js';

/** Everything the shard passes write, in shared typed arrays indexed by profile or account. */
export interface CampaignResults {
  profileSeconds: Float64Array;
  /** D − last play date in days; 0 when the profile has no counted play. */
  profileLastDaysAgo: Uint16Array;
  /** Distinct play dates in the last 28 days (rollup `dominant`). */
  profileActiveDays28: Uint8Array;
  /** Rows per profile per scenario: recCount[scenario * profiles + p]. */
  recCount: Uint8Array;
  /** Show index and score of rank r: rec*[(scenario * profiles + p) * 5 + r]. */
  recShow: Int32Array;
  recScore: Float64Array;

  accountR: Uint8Array;
  accountF: Uint8Array;
  accountM: Uint8Array;
  accountSegment: Uint8Array;
  accountTreatment: Uint8Array;
  /** The rolled-up profile, or -1 when the account did not reach rollup. */
  accountProfile: Int32Array;
  /** Chosen scenario index, or -1. */
  accountScenario: Int32Array;
  accountStatus: Uint8Array;
}

export function createResults(profiles: number, accounts: number): CampaignResults {
  const slots = SCENARIOS.length * profiles;
  return {
    profileSeconds: sharedFloat64(profiles),
    profileLastDaysAgo: sharedUint16(profiles),
    profileActiveDays28: sharedUint8(profiles),
    recCount: sharedUint8(slots),
    recShow: sharedInt32(slots * RECS_PER_PROFILE),
    recScore: sharedFloat64(slots * RECS_PER_PROFILE),
    accountR: sharedUint8(accounts),
    accountF: sharedUint8(accounts),
    accountM: sharedUint8(accounts),
    accountSegment: sharedUint8(accounts),
    accountTreatment: sharedUint8(accounts),
    accountProfile: sharedInt32(accounts),
    accountScenario: sharedInt32(accounts),
    accountStatus: sharedUint8(accounts),
  };
}
