import { test } from 'vitest';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { expectEqual } from '../support/expect-equal.js';

test('groups rows by key, stable within a group', () => {
  const { offsets, order } = groupOffsets(Int32Array.from([2, 0, 2, 1, 0]), 4);
  expectEqual(Array.from(offsets), [0, 2, 3, 5, 5]);
  expectEqual(Array.from(order), [1, 4, 3, 0, 2]);
});

test('honours a row count shorter than the key array', () => {
  const { offsets, order } = groupOffsets(Int32Array.from([1, 0, 9, 9]), 2, 2);
  expectEqual(Array.from(offsets), [0, 1, 2]);
  expectEqual(Array.from(order), [1, 0]);
});
