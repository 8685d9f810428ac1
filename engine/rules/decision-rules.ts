import { fnv1a32 } from '../../kernels/fnv1a.js';
import { CLUSTER, RE_ENGAGEMENT, ROLLUP_DOMINANT, ROLLUP_LAST_ACTIVE, ROLLUP_PRIMARY, STATUS_CAPPED, STATUS_HOLDOUT, STATUS_NO_CANDIDATES, STATUS_SEND, TRENDING } from '../phases/phase-params.js';
import type { PhaseParams } from '../phases/phase-params.js';

/**
 * The SPEC's decision rules, each written once: the shard passes apply them to typed arrays and
 * `explain` to one account it recomputed in SQL, so the two can only disagree on data, never on a
 * rule. Plain numbers in and out (scenario, status and reason indexes): no allocation per call.
 */

/** SPEC §4.4: the first failing eligibility reason, as 1 + its index in INELIGIBLE_REASONS; 0 = eligible. */
export function ineligibility(active: boolean, kids: boolean, hasAccount: boolean, hasCrmId: boolean, optedIn: boolean): number {
  return !active ? 1 : kids ? 2 : !hasAccount ? 3 : !hasCrmId ? 4 : !optedIn ? 5 : 0;
}

/** SPEC §4.5: the treatment, and why: an `avod` plan, else a segment listed in `selection.avod_segments`, else svod. */
export function treatmentReason(avodPlan: boolean, avodSegment: boolean): 'avod_plan' | 'avod_segment' | 'svod' {
  return avodPlan ? 'avod_plan' : avodSegment ? 'avod_segment' : 'svod';
}

/**
 * SPEC §6: the value a profile competes with under `rollup.method` (params.rollup); the largest
 * wins and ties go to the smallest profile_id. `daysSinceLastPlay` is null for a profile with no
 * play: under `last_active` it sorts last.
 */
export function rollupKey(method: number, watchSeconds: number, activeDays28: number, daysSinceLastPlay: number | null): number {
  switch (method) {
    case ROLLUP_PRIMARY:
      return watchSeconds;
    case ROLLUP_DOMINANT:
      return activeDays28;
    case ROLLUP_LAST_ACTIVE:
      // Latest last play = fewest days ago.
      return daysSinceLastPlay === null ? -Infinity : -daysSinceLastPlay;
    default:
      throw new Error(`unknown rollup method ${method}`);
  }
}

/** SPEC §7 calendar mode: the rotation slot of day number `day`. */
export function rotationSlot(params: PhaseParams, day: number): number {
  return day % params.rotation.length;
}

/**
 * SPEC §7: the scenario an svod account prefers before the fallback walk — the calendar rotation,
 * or by the chosen profile's days since its last play: none or over 30 → cluster discovery,
 * up to 7 → re-engagement, else trending. A scenario index (SCENARIOS order).
 */
export function preferredScenario(params: PhaseParams, day: number, daysSinceLastPlay: number | null): number {
  if (params.calendar) return params.rotation[rotationSlot(params, day)]!;
  return daysSinceLastPlay === null || daysSinceLastPlay > 30 ? CLUSTER : daysSinceLastPlay <= 7 ? RE_ENGAGEMENT : TRENDING;
}

/** SPEC §7: the account's holdout bucket in [0, 10000); the account is held out when it is below `holdout.bps`. */
export function holdoutBucket(salt: string, accountId: number): number {
  return fnv1a32(`${salt}:${accountId}`) % 10000;
}

/**
 * SPEC §7: the status, first match in this order: frequency_capped, no_candidates, holdout, send.
 * A STATUSES index. The holdout hash is only computed when it decides.
 */
export function selectionStatus(params: PhaseParams, sends7d: number, hasScenario: boolean, accountId: number): number {
  if (params.maxSends7d > 0 && sends7d >= params.maxSends7d) return STATUS_CAPPED;
  if (!hasScenario) return STATUS_NO_CANDIDATES;
  return holdoutBucket(params.holdoutSalt, accountId) < params.holdoutBps ? STATUS_HOLDOUT : STATUS_SEND;
}
