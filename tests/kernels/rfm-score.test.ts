import { test } from 'vitest';
import { atLeastScore, recencyScore, segmentIndex } from '../../kernels/rfm-score.js';
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

test('segmentIndex: the first rule whose bounds all hold, else one past the last rule', () => {
  const any = { rMin: 1, rMax: 5, fMin: 1, fMax: 5, mMin: 1, mMax: 5 };
  const rules = [{ ...any, rMin: 4, fMin: 4 }, { ...any, fMin: 4 }, { ...any, rMax: 2, mMax: 2 }];
  const reference = (r: number, f: number, m: number): number => {
    const i = rules.findIndex((b) => r >= b.rMin && r <= b.rMax && f >= b.fMin && f <= b.fMax && m >= b.mMin && m <= b.mMax);
    return i < 0 ? rules.length : i;
  };
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) expectEqual(segmentIndex(rules, r, f, m), reference(r, f, m), `r${r} f${f} m${m}`);
  expectEqual([segmentIndex(rules, 5, 5, 1), segmentIndex(rules, 1, 4, 5), segmentIndex(rules, 2, 1, 2), segmentIndex(rules, 3, 3, 3)], [0, 1, 2, 3], 'spot checks');
  expectEqual(segmentIndex([], 5, 5, 5), 0, 'no rules');
});
