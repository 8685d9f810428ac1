import assert from 'node:assert/strict';
import { test } from 'vitest';
import { idSpace, scramble32 } from '../../../../bench/workloads/generate/ids.js';

test('scrambled ids are distinct, large, unsorted and below 2^53', () => {
  const ids = idSpace(0xdeadbeef);
  const n = 200_000;
  for (const make of [ids.accountId, ids.profileId]) {
    const seen = new Set<number>();
    let above32 = 0;
    let ascending = 0;
    let previous = -1;
    for (let i = 0; i < n; i++) {
      const id = make(i);
      assert.ok(Number.isSafeInteger(id) && id > 0);
      seen.add(id);
      if (id > 2 ** 32) above32++;
      if (id > previous) ascending++;
      previous = id;
    }
    assert.equal(seen.size, n);
    assert.ok(above32 > n / 2, `${above32} ids above 2^32`);
    assert.ok(ascending < n * 0.6, 'ids follow row order');
  }
});

test('scramble32 is a bijection (no collisions on a dense range)', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 1 << 18; i++) seen.add(scramble32(i, 12345));
  assert.equal(seen.size, 1 << 18);
});

test('show ids are distinct and non-contiguous', () => {
  const ids = idSpace(99);
  const shows = Array.from({ length: 5000 }, (_, i) => ids.showId(i));
  assert.equal(new Set(shows).size, shows.length);
  assert.ok(shows.some((id, i) => i > 0 && id - shows[i - 1]! > 1));
});
