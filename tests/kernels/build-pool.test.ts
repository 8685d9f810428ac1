import { test } from 'vitest';
import { buildPools, firstUnexcluded } from '../../kernels/build-pool.js';
import { expectEqual } from '../support/expect-equal.js';

test('pools keep allowed shows reaching min viewers, by boosted score then show, cut to size', () => {
  // 2 groups × 5 shows. Show 3 is not allowed; show 4 has boost 3.
  const counts = Uint32Array.from([4, 2, 4, 9, 1, /* group 1 */ 0, 3, 3, 3, 3]);
  const allowed = Uint8Array.from([1, 1, 1, 0, 1]);
  const boost = Float64Array.from([1, 1, 1, 1, 3]);
  const pools = buildPools(counts, 2, 5, allowed, boost, 3, 3);
  expectEqual(Array.from(pools.offsets), [0, 2, 5]);
  expectEqual(Array.from(pools.shows), [0, 2, 4, 1, 2]);
  expectEqual(Array.from(pools.scores), [4, 4, 9, 3, 3]);
});

test('firstUnexcluded walks the pool past excluded shows and stops at k', () => {
  const shows = Int32Array.from([5, 1, 7, 3, 2, 9]);
  const scores = Float64Array.from([6, 5, 4, 3, 2, 1]);
  const excluded = new Uint32Array(10);
  excluded[1] = 8;
  excluded[3] = 8;
  excluded[7] = 2; // stale stamp from another profile: not excluded now
  const outShows = new Int32Array(3);
  const outScores = new Float64Array(3);
  const n = firstUnexcluded(shows, scores, 0, shows.length, excluded, 8, 3, outShows, outScores);
  expectEqual(n, 3);
  expectEqual(Array.from(outShows), [5, 7, 2]);
  expectEqual(Array.from(outScores), [6, 4, 2]);
  expectEqual(firstUnexcluded(shows, scores, 4, 6, excluded, 8, 3, outShows, outScores), 2);
});
