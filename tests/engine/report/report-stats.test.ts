import assert from 'node:assert/strict';
import { test } from 'vitest';
import { absoluteLift, lift, rateCell, relativeLift } from '../../../engine/report/report-stats.js';
import type { Estimate } from '../../../engine/report/report-types.js';
import { expectEqual } from '../../support/expect-equal.js';

function close(actual: Estimate | null, expected: [value: number, low: number, high: number], label: string): void {
  assert.ok(actual !== null, `${label}: null`);
  const got = [actual.value, ...actual.ci95];
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(got[i]! - expected[i]!) < 5e-6, `${label}: got [${got.join(', ')}], expected [${expected.join(', ')}]`);
}

test('Wald interval of the rate difference, worked by hand', () => {
  // 150/1000 vs 100/1000: d = 0.05; var = 0.15·0.85/1000 + 0.10·0.90/1000 = 0.0002175,
  // SE = 0.0147479, 1.96·SE = 0.0289058.
  close(absoluteLift(rateCell(1000, 150), rateCell(1000, 100)), [0.05, 0.0210942, 0.0789058], '150/1000 vs 100/1000');
  // 30/200 vs 10/50: d = −0.05; var = 0.15·0.85/200 + 0.2·0.8/50 = 0.0038375, SE = 0.0619476,
  // 1.96·SE = 0.121417.
  close(absoluteLift(rateCell(200, 30), rateCell(50, 10)), [-0.05, -0.171417, 0.071417], '30/200 vs 10/50');
});

test('Katz log interval of the relative lift, worked by hand', () => {
  // RR = 0.15/0.10 = 1.5, ln RR = 0.405465; SE = sqrt(0.85/150 + 0.90/100) = sqrt(0.0146667) =
  // 0.121106, 1.96·SE = 0.237368; exp(0.168097) = 1.183052, exp(0.642833) = 1.901861.
  close(relativeLift(rateCell(1000, 150), rateCell(1000, 100)), [0.5, 0.183052, 0.901861], '150/1000 vs 100/1000');
  // RR = 0.15/0.20 = 0.75, ln RR = −0.287682; SE = sqrt(0.85/30 + 0.80/10) = sqrt(0.108333) =
  // 0.329140, 1.96·SE = 0.645115; exp(−0.932797) = 0.393452, exp(0.357433) = 1.429655.
  close(relativeLift(rateCell(200, 30), rateCell(50, 10)), [-0.25, -0.606548, 0.429655], '30/200 vs 10/50');
});

test('undefined estimates are null; every-account conversions give a zero-width Wald interval', () => {
  expectEqual(rateCell(0, 0), { accounts: 0, conversions: 0, rate: null });
  expectEqual(absoluteLift(rateCell(0, 0), rateCell(10, 1)), null);
  expectEqual(absoluteLift(rateCell(10, 1), rateCell(0, 0)), null);
  expectEqual(relativeLift(rateCell(10, 1), rateCell(10, 0)), null, 'no holdout conversion');
  expectEqual(relativeLift(rateCell(10, 0), rateCell(10, 1)), null, 'no sent conversion');
  expectEqual(relativeLift(rateCell(0, 0), rateCell(10, 1)), null);
  expectEqual(absoluteLift(rateCell(4, 4), rateCell(5, 0)), { value: 1, ci95: [1, 1] });
  // p1 = 1: the sent term of the Katz variance is 0.
  const r = relativeLift(rateCell(4, 4), rateCell(4, 2))!;
  const se = Math.sqrt(0.5 / 2);
  expectEqual(r.value, 1);
  assert.ok(Math.abs(r.ci95[0] - (Math.exp(Math.log(2) - 1.96 * se) - 1)) < 1e-12);
});

test('sufficient only when both groups reach the minimum', () => {
  expectEqual(lift(rateCell(100, 10), rateCell(100, 5), 100).sufficient, true);
  expectEqual(lift(rateCell(100, 10), rateCell(99, 5), 100).sufficient, false);
  expectEqual(lift(rateCell(99, 10), rateCell(1000, 5), 100).sufficient, false);
  const l = lift(rateCell(7, 4), rateCell(4, 2), 3);
  expectEqual([l.sent.rate, l.holdout.rate, l.sufficient], [4 / 7, 0.5, true]);
});
