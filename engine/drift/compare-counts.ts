import type { DriftConfig } from '../config/config-types.js';
import type { DriftCheck, DriftCounts } from './drift-types.js';

export interface Comparison {
  checks: DriftCheck[];
  /** Checks not made, and why. */
  notes: string[];
}

/**
 * Compares a run's counts with the baseline's under the drift bounds. Counts use the relative
 * change against the previous count (at least 1, so a count rising from 0 is still measured);
 * scenario shares of the `send` accounts use the absolute change. Below `min_count` on both runs a
 * count is too small for its relative change to mean anything (one account is 1 %), so neither it
 * nor, for the send count, the shares are checked. Under `selection.mode: calendar` the scenario is
 * the day's rotation entry, so shares swing by design and are not checked either.
 */
export function compareCounts(previous: DriftCounts, current: DriftCounts, bounds: DriftConfig, calendarMode: boolean): Comparison {
  const checks: DriftCheck[] = [];
  const notes: string[] = [];
  const relative = (metric: string, prev: number, cur: number, limit: number): boolean => {
    if (prev < bounds.min_count && cur < bounds.min_count) {
      notes.push(`${metric} not checked: ${prev} and ${cur} are both below drift.min_count ${bounds.min_count}`);
      return false;
    }
    const change = (cur - prev) / Math.max(prev, 1);
    checks.push({ metric, previous: prev, current: cur, change, limit, exceeded: Math.abs(change) > limit });
    return true;
  };
  relative('eligible_profiles', previous.eligibleProfiles, current.eligibleProfiles, bounds.max_eligible_change);
  if (!relative('send_accounts', previous.sendAccounts, current.sendAccounts, bounds.max_send_change)) notes.push('send_share not checked: too few send accounts');
  else if (calendarMode) notes.push('send_share not checked: selection.mode calendar rotates the scenario by date');
  else if (previous.sendScenario === null) notes.push('send_share not checked: the baseline manifest has no counts.send_scenario');
  else if (previous.sendAccounts === 0 || current.sendAccounts === 0) notes.push('send_share not checked: one of the runs has no send accounts');
  else {
    const prevShares = previous.sendScenario;
    const curShares = current.sendScenario ?? {};
    const scenarios = [...new Set([...Object.keys(prevShares), ...Object.keys(curShares)])].sort();
    for (const scenario of scenarios) {
      const prev = (prevShares[scenario] ?? 0) / previous.sendAccounts;
      const cur = (curShares[scenario] ?? 0) / current.sendAccounts;
      const change = cur - prev;
      checks.push({ metric: `send_share.${scenario}`, previous: prev, current: cur, change, limit: bounds.max_share_change, exceeded: Math.abs(change) > bounds.max_share_change });
    }
  }
  return { checks, notes };
}
