import assert from 'node:assert/strict';
import { test } from 'vitest';
import { parseDay } from '../../../../engine/dates.js';
import { KIDS_CATEGORY } from '../../../../bench/workloads/generate/catalog.js';
import { buildModel } from '../../../../bench/workloads/generate/dataset-model.js';
import { PlaysGenerator } from '../../../../bench/workloads/generate/plays.js';
import { expectEqual } from '../../../support/expect-equal.js';

const DAY = parseDay('2026-11-22');
const model = buildModel(5, DAY, 3000);

test('episodes of a show are in release order and their content ids are unique', () => {
  const { episodeStart, episodeRelease, episodeContentId, showCount } = model.catalog;
  for (let s = 0; s < showCount; s++) {
    assert.ok(episodeStart[s + 1]! - episodeStart[s]! >= 2, `show ${s} has at least two episodes`);
    for (let e = episodeStart[s]! + 1; e < episodeStart[s + 1]!; e++) assert.ok(episodeRelease[e]! >= episodeRelease[e - 1]!);
  }
  assert.equal(new Set(episodeContentId).size, episodeContentId.length);
});

test('catalog rows are shuffled, not grouped by show', () => {
  const { showId } = model.catalog.table;
  let sameAsPrevious = 0;
  for (let i = 1; i < showId.length; i++) if (showId[i] === showId[i - 1]) sameAsPrevious++;
  assert.ok(sameAsPrevious < showId.length * 0.05);
});

test('households have 1–5 profiles and a kids profile is never the first', () => {
  const h = model.households;
  const sizes = new Set<number>();
  for (let k = 0; k < h.householdCount; k++) {
    const size = h.householdStart[k + 1]! - h.householdStart[k]!;
    sizes.add(size);
    assert.equal(h.profileKids[h.householdStart[k]!], 0);
  }
  expectEqual([...sizes].sort(), [1, 2, 3, 4, 5]);
});

test('kids profiles mostly watch kids shows', () => {
  const generator = new PlaysGenerator(5, DAY, model.catalog, model.taste, model.households, model.ids);
  const block = generator.generate(0, 3000);
  const showOfContent = new Map<number, number>();
  const { episodeStart, episodeContentId, showCategory } = model.catalog;
  for (let s = 0; s < model.catalog.showCount; s++) for (let e = episodeStart[s]!; e < episodeStart[s + 1]!; e++) showOfContent.set(episodeContentId[e]!, s);
  const kidsProfile = new Map<number, boolean>();
  for (let p = 0; p < 3000; p++) kidsProfile.set(model.ids.profileId(p), model.households.profileKids[p] === 1);
  const share = { kids: [0, 0], adults: [0, 0] };
  for (let i = 0; i < block.rows; i++) {
    const show = showOfContent.get(block.contentId[i]!);
    const kids = kidsProfile.get(block.profileId[i]!);
    if (show === undefined || kids === undefined) continue;
    const bucket = kids ? share.kids : share.adults;
    bucket[0]! += showCategory[show] === KIDS_CATEGORY ? 1 : 0;
    bucket[1]!++;
  }
  assert.ok(share.kids[0]! / share.kids[1]! > 0.6, `kids share ${share.kids[0]! / share.kids[1]!}`);
  assert.ok(share.adults[0]! / share.adults[1]! < 0.3, `adult share ${share.adults[0]! / share.adults[1]!}`);
});

test('plays do not depend on how profiles are split into blocks', () => {
  const generator = new PlaysGenerator(5, DAY, model.catalog, model.taste, model.households, model.ids);
  const copy = (from: number, to: number): number[][] => {
    const b = generator.generate(from, to);
    return [[...b.profileId], [...b.contentId], [...b.ts], [...b.watchSeconds]];
  };
  const whole = copy(0, 500);
  const parts = [copy(0, 123), copy(123, 500)];
  expectEqual(parts[0]!.map((column, i) => [...column, ...parts[1]![i]!]), whole);
  assert.ok(whole[0]!.length > 500 * 10, `${whole[0]!.length} plays for 500 profiles`);
});
