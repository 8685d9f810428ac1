import { sharedInt32 } from '../model/shared-arrays.js';

/**
 * Grouping staged rows by profile without a per-slice array of profile counts (issue 20: those
 * cost slices × profiles, 7.7 GB at 64 cores and 10M profiles). The profiles are cut into
 * buckets of 2^shift consecutive indexes; each reader writes its rows into blocks of the shared
 * staging columns, one open block per bucket, taking a fresh block from a shared counter when one
 * fills. Afterwards each bucket is grouped on its own (a counting sort over its blocks, in reader
 * order, so a profile's rows keep the order they were read in): the per-profile counts exist once,
 * bucket by bucket, and the buckets spread over the workers.
 */
export interface ProfileBuckets {
  /** A profile's bucket is `profile >>> shift`. */
  shift: number;
  count: number;
  /** Rows per block, and blocks in the staging columns (rows = blocks × blockRows). */
  blockRows: number;
  blocks: number;
  /** Shared: the next block no reader has taken yet. */
  next: Int32Array;
}

/** Largest bucket: its counts (4 bytes a profile) stay in a core's L2 cache while it is grouped. */
const MAX_BUCKET_SHIFT = 17;
const MAX_BLOCK_ROWS = 16384;
const MIN_BLOCK_ROWS = 256;

/**
 * Buckets for `profiles` profiles grouped by `threads` workers (about four buckets each, so they
 * finish together), and blocks for `rows` rows written by at most `writers` readers: each reader
 * leaves at most one block per bucket part-filled, which the block count allows for.
 */
export function planBuckets(profiles: number, threads: number, rows: number, writers: number): ProfileBuckets {
  const target = Math.max(1, Math.ceil(profiles / (4 * Math.max(1, threads))));
  const shift = Math.min(MAX_BUCKET_SHIFT, Math.ceil(Math.log2(target)));
  const count = Math.max(1, Math.ceil(profiles / 2 ** shift));
  const open = Math.max(1, writers) * count;
  // Small inputs get small blocks: the part-filled ones then waste at most about a quarter.
  let blockRows = MIN_BLOCK_ROWS;
  while (blockRows < MAX_BLOCK_ROWS && blockRows * open * 4 < rows) blockRows *= 2;
  return { shift, count, blockRows, blocks: Math.ceil(rows / blockRows) + open, next: sharedInt32(1) };
}

/**
 * One reader's writes: `slot(p)` is where the reader puts its next row of profile p. `written()`
 * lists, per bucket, the (start, rows) runs of staging rows it wrote, in write order.
 */
export class BucketWriter {
  private readonly cursor: Int32Array;
  private readonly end: Int32Array;
  private readonly taken: number[][];

  constructor(private readonly buckets: ProfileBuckets) {
    this.cursor = new Int32Array(buckets.count);
    this.end = new Int32Array(buckets.count);
    this.taken = Array.from({ length: buckets.count }, () => []);
  }

  slot(p: number): number {
    const b = p >>> this.buckets.shift;
    const i = this.cursor[b]!;
    if (i < this.end[b]!) {
      this.cursor[b] = i + 1;
      return i;
    }
    return this.open(b);
  }

  private open(b: number): number {
    const { next, blocks, blockRows } = this.buckets;
    const block = Atomics.add(next, 0, 1);
    if (block >= blocks) throw new Error(`staging holds more rows than its ${blocks} blocks of ${blockRows} (the footers' row counts)`);
    this.taken[b]!.push(block);
    const start = block * blockRows;
    this.cursor[b] = start + 1;
    this.end[b] = start + blockRows;
    return start;
  }

  written(): Int32Array[] {
    const { blockRows } = this.buckets;
    return this.taken.map((blocks, b) => {
      const runs = new Int32Array(blocks.length * 2);
      blocks.forEach((block, k) => {
        runs[2 * k] = block * blockRows;
        // Every block but the last one of a bucket is full.
        runs[2 * k + 1] = k < blocks.length - 1 ? blockRows : this.cursor[b]! - block * blockRows;
      });
      return runs;
    });
  }
}

/** One bucket to group: profiles [lo, hi), placed from `base`, its rows in `segments` (start, rows pairs). */
export interface BucketGroup {
  lo: number;
  hi: number;
  base: number;
  segments: Int32Array;
}

/**
 * The buckets to group, from what every reader wrote (`written[reader][bucket]`, readers in the
 * order their rows are to keep), and the total rows. Fills the last offset of `offsets` (length
 * profiles + 1); grouping a bucket fills the others of its profiles.
 */
export function bucketGroups(buckets: ProfileBuckets, profiles: number, written: readonly Int32Array[][], offsets: Int32Array): { groups: BucketGroup[]; rows: number } {
  const groups: BucketGroup[] = [];
  let base = 0;
  for (let b = 0; b < buckets.count; b++) {
    const lo = Math.min(profiles, b * 2 ** buckets.shift);
    const hi = Math.min(profiles, (b + 1) * 2 ** buckets.shift);
    let n = 0;
    for (const w of written) n += w[b]!.length;
    const segments = new Int32Array(n);
    let at = 0;
    let rows = 0;
    for (const w of written) {
      const runs = w[b]!;
      segments.set(runs, at);
      at += runs.length;
      for (let k = 1; k < runs.length; k += 2) rows += runs[k]!;
    }
    if (hi > lo) groups.push({ lo, hi, base, segments });
    base += rows;
  }
  offsets[profiles] = base;
  return { groups, rows: base };
}
