import { test } from 'vitest';
import { createTopK, offerTopK } from '../../kernels/top-k.js';
import { expectEqual } from '../support/expect-equal.js';

/** The readable equivalent: sort everything by score desc, key asc, keep k. */
function reference(items: [number, number][], k: number): [number, number][] {
  return [...items].sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k);
}

test('keeps the best k by score desc then key asc', () => {
  const top = createTopK(3);
  for (const [s, k] of [
    [5, 9],
    [7, 3],
    [5, 2],
    [1, 1],
    [7, 1],
    [5, 1],
  ] as const)
    offerTopK(top, s, k);
  expectEqual(Array.from(top.scores.subarray(0, top.size)), [7, 7, 5]);
  expectEqual(Array.from(top.keys.subarray(0, top.size)), [1, 3, 1]);
});

test('agrees with a full sort on pseudo-random input with many ties', () => {
  let seed = 42;
  const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 10;
  for (let round = 0; round < 50; round++) {
    const items: [number, number][] = [];
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const key = rand() * 10 + rand();
      if (seen.has(key)) continue;
      seen.add(key);
      items.push([rand(), key]);
    }
    const top = createTopK(5);
    for (const [s, k] of items) offerTopK(top, s, k);
    const got: [number, number][] = [];
    for (let i = 0; i < top.size; i++) got.push([top.scores[i]!, top.keys[i]!]);
    expectEqual(got, reference(items, 5), `round ${round}`);
  }
});
