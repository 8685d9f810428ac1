import { SCENARIOS } from '../config/config-types.js';
import { STATUS_SEND, STATUSES } from '../phases/phase-params.js';
import type { ShardPlan } from './shard-passes.js';

/**
 * The manifest's `counts`: the loader's (rows and drops per table and reason), then per account
 * that reached rollup its status, chosen scenario, and chosen scenario of the `send` accounts.
 */
export function runCounts(loaded: Record<string, Record<string, number>>, plan: ShardPlan, selectionRows: number): Record<string, Record<string, number>> {
  const { model, results } = plan;
  const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const scenarioCounts = Object.fromEntries(SCENARIOS.map((s) => [s, 0]));
  const sendScenarioCounts = Object.fromEntries(SCENARIOS.map((s) => [s, 0]));
  for (let a = 0; a < model.accountCount; a++) {
    if (results.accountProfile[a]! < 0) continue;
    statusCounts[STATUSES[results.accountStatus[a]!]!]!++;
    const s = results.accountScenario[a]!;
    if (s >= 0) scenarioCounts[SCENARIOS[s]!]!++;
    if (s >= 0 && results.accountStatus[a] === STATUS_SEND) sendScenarioCounts[SCENARIOS[s]!]!++;
  }
  return {
    ...loaded,
    rollup: { accounts: model.accountCount, reached_rollup: selectionRows, no_recommendation: model.accountCount - selectionRows },
    status: statusCounts,
    chosen_scenario: scenarioCounts,
    send_scenario: sendScenarioCounts,
  };
}
