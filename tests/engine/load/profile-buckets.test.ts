import { describe, expect, it } from 'vitest';
import { BucketWriter, bucketGroups, planBuckets } from '../../../engine/load/profile-buckets.js';
import { groupOffsets } from '../../../kernels/group-offsets.js';
import { bucketCursors } from '../../../kernels/bucket-offsets.js';
import { expectEqual } from '../../support/expect-equal.js';

describe('profile buckets', () => {
  it('plans about four buckets per thread, at most 2^17 profiles each, and blocks for every row plus one open block per writer and bucket', () => {
    const small = planBuckets(1000, 2, 5000, 3);
    expect(small.count).toBeGreaterThanOrEqual(8);
    expect(small.count * 2 ** small.shift).toBeGreaterThanOrEqual(1000);
    expect(small.blocks * small.blockRows).toBeGreaterThanOrEqual(5000 + 3 * small.count * small.blockRows);
    const large = planBuckets(10_000_000, 2, 300_000_000, 6);
    expect(large.shift).toBe(17);
    expect(large.count).toBe(Math.ceil(10_000_000 / 2 ** 17));
    expect(large.blockRows).toBe(16384);
    // No structure the size of the profiles per writer: the plan is a handful of numbers.
    expect(planBuckets(0, 4, 0, 1).count).toBe(1);
  });

  it('rows written by several writers into blocks come out grouped by profile, in writer order then write order', () => {
    const profiles = 37;
    const buckets = planBuckets(profiles, 2, 400, 3);
    const staging = new Int32Array(buckets.blocks * buckets.blockRows);
    const tag = new Int32Array(staging.length);
    // Three writers, rows of pseudo-random profiles; the tag is the row's place in writer order.
    const writers = [0, 1, 2].map(() => new BucketWriter(buckets));
    const ordered: number[] = [];
    let x = 7;
    for (const [w, writer] of writers.entries()) {
      for (let i = 0; i < 130 + w * 10; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const p = x % profiles;
        const k = writer.slot(p);
        staging[k] = p;
        tag[k] = ordered.length;
        ordered.push(p);
      }
    }
    const offsets = new Int32Array(profiles + 1);
    const { groups, rows } = bucketGroups(
      buckets,
      profiles,
      writers.map((w) => w.written()),
      offsets,
    );
    expect(rows).toBe(ordered.length);
    const placed = new Int32Array(rows);
    for (const g of groups) {
      const cursor = bucketCursors(staging, g.segments, g.lo, g.hi, g.base, offsets);
      for (let s = 0; s < g.segments.length; s += 2) for (let i = g.segments[s]!; i < g.segments[s]! + g.segments[s + 1]!; i++) placed[cursor[staging[i]! - g.lo]!++] = tag[i]!;
    }
    const expected = groupOffsets(Int32Array.from(ordered), profiles);
    expectEqual(offsets, expected.offsets, 'offsets');
    expectEqual(placed, expected.order, 'order');
  });

  it('a writer asked for more rows than the footers promised stops with an error', () => {
    const buckets = planBuckets(4, 1, 10, 1);
    const writer = new BucketWriter(buckets);
    expect(() => {
      for (let i = 0; i <= buckets.blocks * buckets.blockRows; i++) writer.slot(0);
    }).toThrow(/staging holds more rows than its/);
  });
});
