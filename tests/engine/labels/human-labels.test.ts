import { test } from 'vitest';
import { SCENARIOS } from '../../../engine/config/config-types.js';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { dimensionLabel, ineligibleLabel, scenarioLabel, segmentLabel, statusLabel, treatmentLabel, wordsOf } from '../../../engine/labels/human-labels.js';
import { INELIGIBLE_REASONS } from '../../../engine/model/campaign-model.js';
import { count, percent, plural } from '../../../engine/labels/plain-numbers.js';
import { expectEqual } from '../../support/expect-equal.js';

test('every machine name the engine writes has a label with no underscore', () => {
  expectEqual(SCENARIOS.map(scenarioLabel), ['Cluster discovery', 'Re-engagement', 'Trending', 'AVOD']);
  expectEqual(defaultConfig().rfm.segments.map((s) => segmentLabel(s.name)), ['Champions', 'Loyal', 'Promising', 'At risk', 'Hibernating', 'Needs attention']);
  expectEqual(['svod', 'avod'].map(treatmentLabel), ['Subscription (SVOD)', 'Ad-supported (AVOD)']);
  expectEqual(['send', 'holdout', 'frequency_capped', 'no_candidates'].map(statusLabel), ['Targeted', 'Control group', 'Frequency capped', 'No candidates']);
  expectEqual(INELIGIBLE_REASONS.map(ineligibleLabel), ['inactive profile', 'kids profile', 'no account', 'no CleverTap id', 'no push consent']);
});

test("a name without a label reads as its words; a name like Object's members is just a name", () => {
  expectEqual(segmentLabel('binge_watchers'), 'Binge watchers');
  expectEqual(segmentLabel('constructor'), 'Constructor');
  expectEqual(wordsOf(''), '');
  expectEqual(dimensionLabel('region')('north_america'), 'north_america');
  expectEqual(dimensionLabel('scenario')('re_engagement'), 'Re-engagement');
});

test('numbers in text: separators, agreeing nouns, shares', () => {
  expectEqual([count(14411), plural(1, 'viewer'), plural(2, 'viewer'), plural(1200, 'push', 'pushes'), percent(14411 / 19852)], ['14,411', '1 viewer', '2 viewers', '1,200 pushes', '72.6%']);
});
