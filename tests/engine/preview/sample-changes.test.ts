import { test } from 'vitest';
import { pickVaried, sampleChanges } from '../../../engine/preview/sample-changes.js';
import { expectEqual } from '../../support/expect-equal.js';

// Three cells, largest first: accounts 10..19, then 30..33, then 50.
const cells = { offsets: Int32Array.from([0, 10, 14, 15]), accounts: Int32Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 30, 31, 32, 33, 50]) };

test('the sample takes one per cell in turn, evenly spaced within a cell', () => {
  expectEqual([...sampleChanges(cells, 3)], [15, 32, 50], 'one each: the middle of each cell');
  // 7 picks: cell 0 gets 3, cell 1 gets 3, cell 2 its only account.
  expectEqual([...sampleChanges(cells, 7)], [11, 15, 18, 30, 32, 33, 50], 'round robin');
  expectEqual([...sampleChanges(cells, 100)], [...cells.accounts], 'more than there are: all of them');
  expectEqual([...sampleChanges(cells, 0)], [], 'none');
  expectEqual([...sampleChanges({ offsets: Int32Array.from([0]), accounts: new Int32Array(0) }, 5)], [], 'no changes');
});

test('varied picks take one of each kind before a second of any', () => {
  const items = ['a1', 'a2', 'a3', 'b1', 'a4', 'c1', 'b2'];
  expectEqual(pickVaried(items, 4, (s) => s[0]!), ['a1', 'b1', 'c1', 'a2'], 'kinds in order of first appearance');
  expectEqual(pickVaried(items, 10, (s) => s[0]!), ['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4'], 'all, by rounds');
  expectEqual(pickVaried(items, 0, (s) => s[0]!), [], 'none');
});
