import { test } from 'vitest';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { compareCounts } from '../../../engine/drift/compare-counts.js';
import type { DriftCounts } from '../../../engine/drift/drift-types.js';
import { expectEqual } from '../../support/expect-equal.js';

const bounds = defaultConfig().drift;

function counts(sendAccounts: number, eligibleProfiles: number, sendScenario: Record<string, number> | null = { trending: sendAccounts }): DriftCounts {
  return { sendAccounts, eligibleProfiles, sendScenario };
}

test('counts use the relative change, shares the absolute change; a bound is exceeded only when passed', () => {
  const { checks, notes } = compareCounts(counts(1000, 4000, { trending: 600, avod: 400 }), counts(1500, 3000, { trending: 1200, re_engagement: 300 }), bounds, false);
  expectEqual(notes, []);
  expectEqual(checks, [
    { metric: 'eligible_profiles', previous: 4000, current: 3000, change: -0.25, limit: 0.25, exceeded: false },
    { metric: 'send_accounts', previous: 1000, current: 1500, change: 0.5, limit: 0.5, exceeded: false },
    { metric: 'send_share.avod', previous: 0.4, current: 0, change: -0.4, limit: 0.15, exceeded: true },
    { metric: 'send_share.re_engagement', previous: 0, current: 0.2, change: 0.2, limit: 0.15, exceeded: true },
    { metric: 'send_share.trending', previous: 0.6, current: 0.8, change: 0.8 - 0.6, limit: 0.15, exceeded: true },
  ]);
  const past = compareCounts(counts(1000, 4000), counts(1501, 2999), bounds, false).checks;
  expectEqual(past.map((c) => [c.metric, c.exceeded]), [['eligible_profiles', true], ['send_accounts', true], ['send_share.trending', false]]);
});

test('below min_count on both runs a count (and, for sends, the shares) is not checked; from 0 upwards it is', () => {
  const small = compareCounts(counts(40, 99), counts(5, 60), bounds, false);
  expectEqual(small.checks, []);
  expectEqual(small.notes, [
    'eligible_profiles not checked: 99 and 60 are both below drift.min_count 100',
    'send_accounts not checked: 40 and 5 are both below drift.min_count 100',
    'send_share not checked: too few send accounts',
  ]);
  const fromZero = compareCounts(counts(0, 0), counts(150, 150), bounds, false);
  expectEqual(fromZero.checks.map((c) => [c.metric, c.change, c.exceeded]), [['eligible_profiles', 150, true], ['send_accounts', 150, true]]);
  expectEqual(fromZero.notes, ['send_share not checked: one of the runs has no send accounts']);
  expectEqual(compareCounts(counts(99, 99), counts(100, 100), bounds, false).checks.length, 3, 'one run at the floor is enough to check');
});

test('shares are not checked under calendar selection or against a baseline without send_scenario counts', () => {
  const calendar = compareCounts(counts(1000, 1000), counts(1000, 1000, { avod: 1000 }), bounds, true);
  expectEqual([calendar.checks.map((c) => c.metric), calendar.notes], [['eligible_profiles', 'send_accounts'], ['send_share not checked: selection.mode calendar rotates the scenario by date']]);
  const old = compareCounts(counts(1000, 1000, null), counts(1000, 1000), bounds, false);
  expectEqual(old.notes, ['send_share not checked: the baseline manifest has no counts.send_scenario']);
});
