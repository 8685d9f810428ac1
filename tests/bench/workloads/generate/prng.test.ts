import assert from 'node:assert/strict';
import { test } from 'vitest';
import { Rng, cumulative } from '../../../../bench/workloads/generate/prng.js';
import { expectEqual } from '../../../support/expect-equal.js';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.nextU32());

test('a stream is a pure function of its seed and keys', () => {
  expectEqual(draw(new Rng(42, 9, 1234), 100), draw(new Rng(42, 9, 1234), 100));
  assert.notDeepEqual(draw(new Rng(42, 9, 1234), 10), draw(new Rng(42, 9, 1235), 10));
  assert.notDeepEqual(draw(new Rng(42, 9, 1234), 10), draw(new Rng(43, 9, 1234), 10));
  // Seeds above 2^32 differ from their low word.
  assert.notDeepEqual(draw(new Rng(2 ** 32 + 5), 10), draw(new Rng(5), 10));
});

test('a fixed seed gives a fixed sequence: datasets stay reproducible across versions', () => {
  expectEqual(draw(new Rng(1), 4), [547978329, 2479272911, 166575339, 809364367]);
});

test('draws stay in range and are roughly uniform', () => {
  const rng = new Rng(7);
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const f = rng.float();
    assert.ok(f >= 0 && f < 1);
    buckets[Math.floor(f * 10)]!++;
    const r = rng.range(3, 5);
    assert.ok(r >= 3 && r <= 5 && Number.isInteger(r));
  }
  for (const b of buckets) assert.ok(b > 9_500 && b < 10_500, `bucket ${b}`);
});

test('pick follows cumulative weights', () => {
  const rng = new Rng(3);
  const weights = cumulative([1, 0, 3]);
  const counts = [0, 0, 0];
  for (let i = 0; i < 40_000; i++) counts[rng.pick(weights)]!++;
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[2]! / counts[0]! - 3) < 0.2, `ratio ${counts[2]! / counts[0]!}`);
});

test('shuffle is a permutation', () => {
  const values = Uint32Array.from({ length: 1000 }, (_, i) => i);
  new Rng(11).shuffle(values);
  expectEqual([...values].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual([...values], Array.from({ length: 1000 }, (_, i) => i));
});
