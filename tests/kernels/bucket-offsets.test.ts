import { test } from 'vitest';
import { bucketCursors } from '../../kernels/bucket-offsets.js';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { expectEqual } from '../support/expect-equal.js';

test('bucket by bucket, the cursors place rows as grouping the concatenated segments would, stable in segment order', () => {
  // Staging rows (group of each), with two segments per bucket listed out of staging order.
  const group = Int32Array.from([3, 0, 1, 9, 2, 3, 0, 2, 1, 3]);
  const segments = Int32Array.from([5, 3, 0, 3, 8, 2]);
  // The rows in segment order: positions 5, 6, 7, then 0, 1, 2, then 8, 9; position 3 is unused.
  const rowsInOrder = [5, 6, 7, 0, 1, 2, 8, 9];
  const groups = 4;
  const offsets = new Int32Array(groups + 1).fill(-1);
  const placed = new Int32Array(rowsInOrder.length);
  // Buckets [0, 2) and [2, 4): the second starts after the first's rows.
  for (const [lo, hi] of [
    [0, 2],
    [2, 4],
  ] as const) {
    const base = rowsInOrder.filter((r) => group[r]! < lo).length;
    const cursor = bucketCursors(group, segments, lo, hi, base, offsets);
    for (const r of rowsInOrder) if (group[r]! >= lo && group[r]! < hi) placed[cursor[group[r]! - lo]!++] = r;
  }
  offsets[groups] = rowsInOrder.length;
  const expected = groupOffsets(Int32Array.from(rowsInOrder, (r) => group[r]!), groups);
  expectEqual(offsets, expected.offsets, 'offsets');
  expectEqual(placed, Int32Array.from(expected.order, (k) => rowsInOrder[k]!), 'row order');
});

test('a bucket without rows gets empty groups at its base', () => {
  const offsets = new Int32Array(4);
  const cursor = bucketCursors(new Int32Array(0), new Int32Array(0), 1, 3, 7, offsets);
  expectEqual(Array.from(offsets), [0, 7, 7, 0]);
  expectEqual(Array.from(cursor), [7, 7]);
});
