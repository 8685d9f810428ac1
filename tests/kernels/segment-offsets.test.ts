import { test } from 'vitest';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { segmentOffsets } from '../../kernels/segment-offsets.js';
import { expectEqual } from '../support/expect-equal.js';

test('segment cursors place rows as grouping the concatenated segments would, stable in segment order', () => {
  const segments = [Int32Array.from([2, 0, 2]), Int32Array.from([1, 0]), Int32Array.from([]), Int32Array.from([2, 1])];
  const groups = 3;
  const counts = segments.map((keys) => {
    const c = new Int32Array(groups);
    for (const g of keys) c[g]!++;
    return c;
  });
  const offsets = new Int32Array(groups + 1);
  segmentOffsets(counts, groups, offsets);
  // Each segment scatters its rows (named by their position in the concatenation) through its cursors.
  const placed = new Int32Array(7);
  let row = 0;
  for (const [k, keys] of segments.entries()) for (const g of keys) placed[counts[k]![g]!++] = row++;
  const all = Int32Array.from(segments.flatMap((s) => [...s]));
  const expected = groupOffsets(all, groups);
  expectEqual(offsets, expected.offsets, 'offsets');
  expectEqual(placed, expected.order, 'row order');
});
