import { describe, it } from 'vitest';
import {
  classifyCachedPlays,
  CODE_PENDING,
  COUNT_SLOTS,
  LATEST_DAY,
  encodeCachedPlays,
  sortedGroupOffsets,
  TOMBSTONED_ID,
  UNKNOWN_ID,
} from '../../kernels/cached-plays.js';
import type { CacheRows, PlaysOut } from '../../kernels/cached-plays.js';
import { expectEqual } from '../support/expect-equal.js';

const rows = (n: number): CacheRows => ({ profile: new Int32Array(n), content: new Int32Array(n), day: new Uint16Array(n), seconds: new Int32Array(n) });

describe('encodeCachedPlays', () => {
  it('codes known ids, leaves unknown ones pending, and flags files a cache row cannot hold', () => {
    const out = rows(4);
    const file = new Int32Array(4);
    const bad = new Uint8Array(3);
    const max = new Int32Array(3).fill(-1);
    // Dense profile 1 is code 7, dense content 0 is code 4; profile −1 and content −1 are unknown.
    const pending = encodeCachedPlays(
      4,
      Int32Array.of(1, -1, 1, 1),
      Int32Array.of(0, 0, -1, 0),
      Int32Array.of(100, 101, 102, 100 + 65536),
      Float64Array.of(60, 2 ** 31, 5, 1),
      Int32Array.of(0, 1, 1, 2),
      Int32Array.of(3, 7),
      Int32Array.of(4),
      100,
      out,
      file,
      0,
      bad,
      max,
    );
    expectEqual(pending, 2, 'pending rows');
    expectEqual(out.profile, Int32Array.of(7, CODE_PENDING, 7, 7), 'profile codes');
    expectEqual(out.content, Int32Array.of(4, 4, CODE_PENDING, 4), 'content codes');
    expectEqual(bad, Uint8Array.of(0, 1, 1), 'files: 2^31 seconds, a day 65,536 days on');
    expectEqual(max, Int32Array.of(0, 2, 65536), 'largest day offset per file');
  });
});

describe('classifyCachedPlays', () => {
  it('reads rows as the decode does: window, future, tombstoned, unknown profile, unknown content, short, counted', () => {
    // Base day 1000; window [1010, 1100): day offsets 9 (before the window), 10.., 100 (D: future).
    const r: CacheRows = {
      profile: Int32Array.of(0, 0, 1, 2, -1, 0, 0, 0),
      content: Int32Array.of(0, 0, 0, 0, 0, -1, 0, 0),
      day: Uint16Array.of(9, 100, 10, 10, 10, 10, 50, 99),
      seconds: Int32Array.of(999, 999, 999, 999, 999, 999, 59, 60),
    };
    const counts = new Float64Array(COUNT_SLOTS).fill(Number.NEGATIVE_INFINITY, LATEST_DAY);
    const out: PlaysOut = { profile: new Int32Array(8), content: new Int32Array(8), daysAgo: new Uint16Array(8), seconds: new Int32Array(8) };
    const n = classifyCachedPlays(r, 0, 8, 1000, Int32Array.of(5, TOMBSTONED_ID, UNKNOWN_ID), Int32Array.of(6), Int32Array.of(3), Int32Array.of(UNKNOWN_ID), 1010, 1100, 60, counts, out);
    // The latest day read before D is 1099 (offset 99), whether its play is counted or not.
    expectEqual([...counts], [7, 1, 1, 1, 1, 1, 1099], 'read, future, tombstoned, unknown profile, unknown content, short; latest day');
    expectEqual(n, 2, 'counted');
    expectEqual([out.profile.subarray(0, n), out.content.subarray(0, n), out.daysAgo.subarray(0, n), out.seconds.subarray(0, n)], [Int32Array.of(6, 5), Int32Array.of(3, 3), Uint16Array.of(90, 1), Int32Array.of(999, 60)], 'counted rows');
    // Rows before the window or on D leave the latest day where it was.
    const none = new Float64Array(COUNT_SLOTS).fill(Number.NEGATIVE_INFINITY, LATEST_DAY);
    classifyCachedPlays(r, 0, 2, 1000, Int32Array.of(5, TOMBSTONED_ID, UNKNOWN_ID), Int32Array.of(6), Int32Array.of(3), Int32Array.of(UNKNOWN_ID), 1010, 1100, 60, none, out);
    expectEqual(none[LATEST_DAY], Number.NEGATIVE_INFINITY, 'no latest day');
  });
});

describe('sortedGroupOffsets', () => {
  it('offsets of keys that never decrease, null otherwise', () => {
    expectEqual(sortedGroupOffsets(Int32Array.of(0, 0, 2, 2, 2), 3, 5), Int32Array.of(0, 2, 2, 5), 'sorted');
    expectEqual(sortedGroupOffsets(Int32Array.of(0, 2, 1), 3, 3), null, 'not sorted');
  });
});
