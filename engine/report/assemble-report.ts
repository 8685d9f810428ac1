import { STATUSES } from '../phases/phase-params.js';
import { lift, rateCell } from './report-stats.js';
import type { BreakdownDimension, BreakdownRow, Breakdowns, Lift } from './report-types.js';
import type { CubeRow } from './report-session.js';

export const DIMENSIONS: readonly BreakdownDimension[] = ['scenario', 'rfm_segment', 'treatment', 'region'];

/** The key of a row with no value in a dimension (only a `no_candidates` row lacks a scenario). */
const NONE = '(none)';

interface ArmCounts {
  sent: [accounts: number, conversions: number];
  holdout: [accounts: number, conversions: number];
}

function emptyArms(): ArmCounts {
  return { sent: [0, 0], holdout: [0, 0] };
}

function armsLift(arms: ArmCounts, minAccounts: number): Lift {
  return lift(rateCell(arms.sent[0], arms.sent[1]), rateCell(arms.holdout[0], arms.holdout[1]), minAccounts);
}

/** Lift overall and by every breakdown dimension over `rows` (only `send` and `holdout` rows count). */
export function liftAndBreakdowns(rows: readonly CubeRow[], minAccounts: number): { lift: Lift; breakdowns: Breakdowns } {
  const total = emptyArms();
  const by = new Map<BreakdownDimension, Map<string, ArmCounts>>(DIMENSIONS.map((d) => [d, new Map()]));
  for (const row of rows) {
    const arm = row.status === 'send' ? 'sent' : row.status === 'holdout' ? 'holdout' : null;
    if (arm === null) continue;
    total[arm][0] += row.accounts;
    total[arm][1] += row.conversions;
    for (const dimension of DIMENSIONS) {
      const key = row[dimension] ?? NONE;
      const groups = by.get(dimension)!;
      let counts = groups.get(key);
      if (counts === undefined) groups.set(key, (counts = emptyArms()));
      counts[arm][0] += row.accounts;
      counts[arm][1] += row.conversions;
    }
  }
  const breakdown = (dimension: BreakdownDimension): BreakdownRow[] =>
    [...by.get(dimension)!]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, counts]) => ({ key, ...armsLift(counts, minAccounts) }));
  return {
    lift: armsLift(total, minAccounts),
    breakdowns: { scenario: breakdown('scenario'), rfm_segment: breakdown('rfm_segment'), treatment: breakdown('treatment'), region: breakdown('region') },
  };
}

/** Selection rows of one date by status (every SPEC status present, zero when absent), segment and scenario. */
export function selectionCounts(rows: readonly CubeRow[]): { status: Record<string, number>; segment_sizes: Record<string, number>; scenario_mix: Record<string, number> } {
  const status: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const segments = new Map<string, number>();
  const scenarios = new Map<string, number>();
  for (const row of rows) {
    status[row.status] = (status[row.status] ?? 0) + row.accounts;
    segments.set(row.rfm_segment, (segments.get(row.rfm_segment) ?? 0) + row.accounts);
    if (row.scenario !== null) scenarios.set(row.scenario, (scenarios.get(row.scenario) ?? 0) + row.accounts);
  }
  const sorted = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { status, segment_sizes: sorted(segments), scenario_mix: sorted(scenarios) };
}
