import { SCENARIOS } from '../config/config-types.js';
import type { ScenarioName } from '../config/config-types.js';
import type { IneligibleReason } from '../model/campaign-model.js';
import { STATUS_SEND, STATUSES } from '../phases/phase-params.js';
import type { ShardPlan } from './shard-passes.js';

/** A selection row's status (SPEC §7). */
export type SelectionStatus = (typeof STATUSES)[number];
export type { IneligibleReason } from '../model/campaign-model.js';
/** Why a play was not counted, its first reason (SPEC §3; `tombstoned`: a deleted profile's). */
export type PlayDropReason = 'future' | 'unknown_profile' | 'tombstoned' | 'unknown_content' | 'short';

/**
 * The manifest's `counts`, typed: the groups the SPEC fixes have literal keys (a typo such as
 * `counts.stauts.snd` does not compile); the loader's per-table groups are open records.
 */
export interface RunCounts {
  status: Record<SelectionStatus, number>;
  chosen_scenario: Record<ScenarioName, number>;
  send_scenario: Record<ScenarioName, number>;
  rollup: { accounts: number; reached_rollup: number; no_recommendation: number };
  profiles: { rows: number; eligible: number; tombstoned?: number };
  ineligible: Record<IneligibleReason, number>;
  plays: { rows: number; read_in_history_window: number; counted: number };
  plays_dropped: Record<PlayDropReason, number>;
  catalog: { episodes: number; shows: number; available_shows: number };
  accounts: { rows: number; tombstoned?: number };
  /** Other groups of the loader (regions, sends, tombstones, ledger, …), by table then reason. */
  [group: string]: Readonly<Record<string, number>> | undefined;
}

/**
 * The manifest's `counts`: the loader's (rows and drops per table and reason), then per account
 * that reached rollup its status, chosen scenario, and chosen scenario of the `send` accounts.
 */
export function runCounts(loaded: Record<string, Record<string, number>>, plan: ShardPlan, selectionRows: number): RunCounts {
  const { model, results } = plan;
  const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<SelectionStatus, number>;
  const scenarioCounts = Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<ScenarioName, number>;
  const sendScenarioCounts = Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<ScenarioName, number>;
  for (let a = 0; a < model.accountCount; a++) {
    if (results.accountProfile[a]! < 0) continue;
    statusCounts[STATUSES[results.accountStatus[a]!]!]++;
    const s = results.accountScenario[a]!;
    if (s >= 0) scenarioCounts[SCENARIOS[s]!]++;
    if (s >= 0 && results.accountStatus[a] === STATUS_SEND) sendScenarioCounts[SCENARIOS[s]!]++;
  }
  return {
    ...(loaded as Pick<RunCounts, 'profiles' | 'ineligible' | 'plays' | 'plays_dropped' | 'catalog' | 'accounts'>),
    rollup: { accounts: model.accountCount, reached_rollup: selectionRows, no_recommendation: model.accountCount - selectionRows },
    status: statusCounts,
    chosen_scenario: scenarioCounts,
    send_scenario: sendScenarioCounts,
  };
}

/** Accounts whose status is `send` (the freshness guard's last check, before anything is written). */
export function countSends(plan: ShardPlan): number {
  const { model, results } = plan;
  let sends = 0;
  for (let a = 0; a < model.accountCount; a++) if (results.accountProfile[a]! >= 0 && results.accountStatus[a] === STATUS_SEND) sends++;
  return sends;
}
