import type { Households } from './households.js';
import type { IdSpace } from './ids.js';
import { Rng, cumulative } from './prng.js';
import { STREAM } from './streams.js';
import type { Taste } from './taste.js';

const SVOD_SCENARIOS = ['re_engagement', 'trending', 'cluster_discovery'] as const;
const SVOD_SCENARIO_WEIGHTS = cumulative([40, 30, 30]);

export interface SendsTable {
  sendDate: Int32Array;
  accountId: Float64Array;
  profileId: Float64Array;
  showId: Float64Array;
  scenario: string[];
}

/**
 * Sends made before the engine took over, over the 40 days before D: older ones outside the dedup
 * window, ones inside it for shows at the top of the profile's cluster or region (what the engine
 * would otherwise recommend), and bursts in the last 7 days so `max_sends_7d` caps bite.
 * At most one send per account per day, as the old system did.
 */
export function generateSends(seed: number, day: number, households: Households, taste: Taste, showIds: Float64Array, ids: IdSpace): SendsTable {
  const sendDate: number[] = [];
  const accountId: number[] = [];
  const profileId: number[] = [];
  const showId: number[] = [];
  const scenario: string[] = [];
  const n = taste.showCount;
  for (let h = 0; h < households.householdCount; h++) {
    if (households.ghost[h] === 1) continue;
    const rng = new Rng(seed, STREAM.sends, h);
    if (!rng.chance(0.45)) continue;
    const days = new Set<number>();
    const spread = 1 + Math.min(rng.geometric(0.5), 5);
    for (let k = 0; k < spread; k++) days.add(day - rng.range(1, 40));
    if (rng.chance(0.25)) {
      const burst = rng.range(2, 4);
      for (let k = 0; k < burst; k++) days.add(day - rng.range(1, 7));
    }
    const first = households.householdStart[h]!;
    const size = households.householdStart[h + 1]! - first;
    const avod = households.accountAvod[h] === 1;
    for (const sent of [...days].sort((a, b) => a - b)) {
      const p = first + rng.int(size);
      const cluster = households.profileCluster[p]!;
      const top = rng.int(5);
      const show = cluster >= 0 && rng.chance(0.6) ? taste.clusterOrder[cluster * n + top]! : taste.regionOrder[households.profileRegion[p]! * n + top]!;
      sendDate.push(sent);
      accountId.push(ids.accountId(h));
      profileId.push(ids.profileId(p));
      showId.push(showIds[show]!);
      scenario.push(avod ? 'avod' : SVOD_SCENARIOS[rng.pick(SVOD_SCENARIO_WEIGHTS)]!);
    }
  }
  return {
    sendDate: Int32Array.from(sendDate),
    accountId: Float64Array.from(accountId),
    profileId: Float64Array.from(profileId),
    showId: Float64Array.from(showId),
    scenario,
  };
}
