import { test } from 'node:test';
import { atLeastScore, recencyScore } from '../../kernels/rfm-score.js';
import { expectEqual } from '../support/expect-equal.js';

test('R scores by days since last play with the SPEC default thresholds', () => {
  const r = [7, 14, 30, 60];
  expectEqual([1, 7, 8, 14, 15, 30, 31, 60, 61].map((d) => recencyScore(d, r)), [5, 5, 4, 4, 3, 3, 2, 2, 1]);
  expectEqual(recencyScore(null, r), 1);
});

test('F and M score by at-least thresholds', () => {
  const f = [20, 12, 6, 2];
  expectEqual([0, 1, 2, 5, 6, 11, 12, 19, 20, 30].map((v) => atLeastScore(v, f)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  expectEqual(atLeastScore(7199 / 3600, [60, 30, 10, 2]), 1);
  expectEqual(atLeastScore(7200 / 3600, [60, 30, 10, 2]), 2);
});
