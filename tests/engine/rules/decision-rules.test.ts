import { test } from 'vitest';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { fnv1a32 } from '../../../kernels/fnv1a.js';
import { INELIGIBLE_REASONS } from '../../../engine/model/campaign-model.js';
import { phaseParams, ROLLUP_DOMINANT, ROLLUP_LAST_ACTIVE, ROLLUP_PRIMARY, STATUSES } from '../../../engine/phases/phase-params.js';
import { SCENARIOS } from '../../../engine/config/config-types.js';
import { holdoutBucket, ineligibility, preferredScenario, rollupKey, selectionStatus, treatmentReason } from '../../../engine/rules/decision-rules.js';
import { expectEqual } from '../../support/expect-equal.js';

const reason = (r: number): string | null => (r === 0 ? null : INELIGIBLE_REASONS[r - 1]!);

test('§4.4: the first failing reason wins, in the SPEC order', () => {
  expectEqual(reason(ineligibility(true, false, true, true, true)), null);
  expectEqual(reason(ineligibility(false, true, false, false, false)), 'inactive');
  expectEqual(reason(ineligibility(true, true, false, false, false)), 'kids');
  expectEqual(reason(ineligibility(true, false, false, false, false)), 'orphan');
  expectEqual(reason(ineligibility(true, false, true, false, false)), 'no_crm_id');
  expectEqual(reason(ineligibility(true, false, true, true, false)), 'no_consent');
});

test('§4.5: an avod plan decides before the segment', () => {
  expectEqual([treatmentReason(true, true), treatmentReason(false, true), treatmentReason(false, false)], ['avod_plan', 'avod_segment', 'svod']);
});

test('§6: the rollup key per method; under last_active the latest play wins and no play sorts last', () => {
  expectEqual(rollupKey(ROLLUP_PRIMARY, 900, 3, 2), 900);
  expectEqual(rollupKey(ROLLUP_DOMINANT, 900, 3, 2), 3);
  expectEqual(rollupKey(ROLLUP_LAST_ACTIVE, 900, 3, 2) > rollupKey(ROLLUP_LAST_ACTIVE, 900, 3, 5), true);
  expectEqual(rollupKey(ROLLUP_LAST_ACTIVE, 900, 3, null), -Infinity);
});

test('§7: the preferred scenario by days since the last play, at each boundary, and by the calendar', () => {
  const params = phaseParams(defaultConfig());
  const name = (d: number | null): string => SCENARIOS[preferredScenario(params, 20000, d)]!;
  expectEqual([null, 1, 7, 8, 30, 31].map(name), ['cluster_discovery', 're_engagement', 're_engagement', 'trending', 'trending', 'cluster_discovery']);
  const config = defaultConfig();
  config.selection.mode = 'calendar';
  config.selection.rotation = ['trending', 'avod', 're_engagement'];
  const calendar = phaseParams(config);
  // Day 19998 = 3 × 6666: slot 0 of the rotation.
  expectEqual([19998, 19999, 20000].map((day) => SCENARIOS[preferredScenario(calendar, day, 3)]), ['trending', 'avod', 're_engagement']);
});

test('§7: the status order is frequency_capped, no_candidates, holdout, send; the bucket is fnv1a32(salt:id) mod 10000', () => {
  const config = defaultConfig();
  config.selection.max_sends_7d = 2;
  config.holdout = { bps: 10000, salt: 's' };
  const all = phaseParams(config);
  expectEqual(STATUSES[selectionStatus(all, 2, false, 42)], 'frequency_capped');
  expectEqual(STATUSES[selectionStatus(all, 1, false, 42)], 'no_candidates');
  expectEqual(STATUSES[selectionStatus(all, 1, true, 42)], 'holdout');
  config.holdout = { bps: 0, salt: 's' };
  expectEqual(STATUSES[selectionStatus(phaseParams(config), 1, true, 42)], 'send');
  expectEqual(holdoutBucket('s', 42), fnv1a32('s:42') % 10000);
});
