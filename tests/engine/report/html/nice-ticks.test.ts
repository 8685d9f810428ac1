import { test } from 'vitest';
import { niceTicks } from '../../../../engine/report/html/nice-ticks.js';
import { expectEqual } from '../../../support/expect-equal.js';

test('ticks are round steps that cover the range', () => {
  expectEqual(niceTicks(0, 1790), { ticks: [0, 500, 1000, 1500, 2000], domain: [0, 2000] });
  expectEqual(niceTicks(-0.506, 1.567), { ticks: [-1, -0.5, 0, 0.5, 1, 1.5, 2], domain: [-1, 2] });
  expectEqual(niceTicks(0, 0.3).ticks, [0, 0.1, 0.2, 0.3]);
  expectEqual(niceTicks(0, 1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('an empty or degenerate range still gives an axis', () => {
  expectEqual(niceTicks(0, 0).domain, [0, 1]);
  expectEqual(niceTicks(Number.NaN, 3).domain, [0, 1]);
  const { domain } = niceTicks(5, 5);
  expectEqual(domain[0] <= 5 && domain[1] >= 5 && domain[1] > domain[0], true, 'domain around a single value');
});
